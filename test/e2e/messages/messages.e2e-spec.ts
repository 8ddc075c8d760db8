import { BULK_SENDING } from '../../support/factories.js';
import { codeOf } from '../../support/clients.js';
import { startApp, TestApp } from '../../support/app.js';
import { testDrivers } from '../../support/drivers.js';
import { UserRole } from '../../../src/users/user.model.js';

const SEND = `mutation($r: ID!, $input: SendMessageInput!) { sendMessage(roomId: $r, input: $input) { id roomId kind text meta clientMsgId createdAt editedAt deletedAt author { id uname } } }`;
const PAGE = `query($r: ID!, $before: ID, $after: ID, $limit: Int) { messages(roomId: $r, before: $before, after: $after, limit: $limit) { hasMore nodes { id text deletedAt } } }`;
const GROUP = `mutation($m: [ID!]) { createRoom(input: {memberIds: $m}) { id } }`;

describe.each(testDrivers())('messages on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => { t = await startApp(driver); });
  afterAll(() => t.close());

  const send = (headers: Record<string, string>, roomId: string, input: Record<string, unknown>) => t.gql(SEND, { r: roomId, input }, headers);

  it('stores a trimmed message with its author and returns it only once committed', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const sent = await send(alice.headers, app.lobbyId, { text: '  hello  ', meta: { mood: 'ok' } });
    expect(sent.data!.sendMessage).toMatchObject({ roomId: app.lobbyId, kind: 'TEXT', text: 'hello', meta: { mood: 'ok' }, editedAt: null, author: { id: alice.id } });
    const page = await t.gql(PAGE, { r: app.lobbyId }, alice.headers);
    expect(page.data!.messages.nodes.map((m: any) => m.id)).toEqual([sent.data!.sendMessage.id]);
  });

  it('shows each author in history as they are now: a meta or role change, a deleted author', async () => {
    const app = await t.factories.app();
    const [alice, bob] = [await t.factories.user(app), await t.factories.user(app)];
    await send(alice.headers, app.lobbyId, { text: 'from alice' });
    await send(bob.headers, app.lobbyId, { text: 'from bob' });
    const history = `query($r: ID!) { messages(roomId: $r) { nodes { text author { id role meta } } } }`;
    const authors = async () => (await t.gql(history, { r: app.lobbyId }, bob.headers)).data!.messages.nodes
      .map((m: any) => [m.text, m.author && { id: m.author.id, role: m.author.role, meta: m.author.meta }]);
    await expect(authors()).resolves.toEqual([
      ['from alice', { id: alice.id, role: 'MEMBER', meta: null }], ['from bob', { id: bob.id, role: 'MEMBER', meta: null }]]);
    await t.gql(`mutation($id: ID!) { updateUserMeta(id: $id, patch: { set: { mood: "happy" } }) { id } }`, { id: alice.id }, alice.headers);
    await t.gql(`mutation($u: ID!) { setUserRole(userId: $u, role: MOD) { id } }`, { u: bob.id }, app.headers);
    await expect(authors()).resolves.toEqual([
      ['from alice', { id: alice.id, role: 'MEMBER', meta: { mood: 'happy' } }], ['from bob', { id: bob.id, role: 'MOD', meta: null }]]);
    await t.gql(`mutation($id: ID!) { deleteUser(id: $id) { ok } }`, { id: alice.id }, app.headers);
    await expect(authors()).resolves.toEqual([['from alice', null], ['from bob', { id: bob.id, role: 'MOD', meta: null }]]);
  });

  it('returns the first message again for the same clientMsgId from the same sender, even concurrently', async () => {
    const app = await t.factories.app();
    const [alice, bob] = [await t.factories.user(app), await t.factories.user(app)];
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => send(alice.headers, app.lobbyId, { text: `try ${i}`, clientMsgId: 'k-1' })));
    const ids = new Set(results.map((r) => r.data!.sendMessage.id));
    expect(ids.size).toBe(1);
    const fromBob = await send(bob.headers, app.lobbyId, { text: 'mine', clientMsgId: 'k-1' });
    expect(ids.has(fromBob.data!.sendMessage.id)).toBe(false);
    const page = await t.gql(PAGE, { r: app.lobbyId, limit: 100 }, alice.headers);
    expect(page.data!.messages.nodes).toHaveLength(2);
  });

  it.each([
    ['empty text', { text: '' }],
    ['only spaces', { text: '  \n\t ' }],
    ['text over the app limit', { text: 'x'.repeat(4001) }],
    ['a clientMsgId over 64 characters', { text: 'x', clientMsgId: 'k'.repeat(65) }],
    ['asUserId from a user', { text: 'x', asUserId: '1' }],
  ] as [string, Record<string, unknown>][])('refuses %s', async (_, input) => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const code = codeOf(await send(alice.headers, app.lobbyId, input));
    expect(code).toBe(input.asUserId ? 'FORBIDDEN' : 'BAD_USER_INPUT');
  });

  it('accepts exactly the limit, counted in characters, not bytes', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const sent = await send(alice.headers, app.lobbyId, { text: '😀'.repeat(4000) });
    expect([...sent.data!.sendMessage.text]).toHaveLength(4000);
  });

  it('pages history by id with no gaps and no duplicates, oldest first inside a page', async () => {
    const app = await t.factories.app(undefined, BULK_SENDING);
    const alice = await t.factories.user(app);
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) ids.push((await send(alice.headers, app.lobbyId, { text: `m${i}` })).data!.sendMessage.id);
    const seen: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = (await t.gql(PAGE, { r: app.lobbyId, before, limit: 5 }, alice.headers)).data!.messages;
      const pageIds = page.nodes.map((m: any) => m.id);
      expect([...pageIds].sort((a, b) => Number(a) - Number(b))).toEqual(pageIds);
      seen.unshift(...pageIds);
      if (!page.hasMore) break;
      before = pageIds[0];
    }
    expect(seen).toEqual(ids);
    const forward: string[] = [];
    let after = '0';
    for (;;) {
      const page = (await t.gql(PAGE, { r: app.lobbyId, after: after === '0' ? undefined : after, limit: 7 }, alice.headers)).data!.messages;
      if (after === '0') { after = ids[0]; forward.push(ids[0]); continue; }
      forward.push(...page.nodes.map((m: any) => m.id));
      if (!page.hasMore) break;
      after = forward[forward.length - 1];
    }
    expect(forward).toEqual(ids);
    const between = (await t.gql(PAGE, { r: app.lobbyId, after: ids[2], before: ids[6] }, alice.headers)).data!.messages;
    expect(between.nodes.map((m: any) => m.id)).toEqual(ids.slice(3, 6));
  });

  it.each([['0'], ['101'], ['-5']])('refuses limit %s as BAD_USER_INPUT', async (limit) => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    expect(codeOf(await t.gql(PAGE, { r: app.lobbyId, limit: Number(limit) }, alice.headers))).toBe('BAD_USER_INPUT');
  });

  it('lets only the author edit, and keeps editedAt', async () => {
    const app = await t.factories.app();
    const [alice, bob] = [await t.factories.user(app), await t.factories.user(app)];
    const id = (await send(alice.headers, app.lobbyId, { text: 'v1' })).data!.sendMessage.id;
    const edit = `mutation($id: ID!, $text: String!) { editMessage(id: $id, text: $text) { text editedAt } }`;
    const edited = await t.gql(edit, { id, text: ' v2 ' }, alice.headers);
    expect(edited.data!.editMessage.text).toBe('v2');
    expect(new Date(edited.data!.editMessage.editedAt).getTime()).toBeGreaterThan(0);
    expect(codeOf(await t.gql(edit, { id, text: 'v3' }, bob.headers))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(edit, { id, text: '   ' }, alice.headers))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(edit, { id: '999999999', text: 'x' }, alice.headers))).toBe('NOT_FOUND');
  });

  it('lets the author, a manager, staff and the app delete; a tombstone stays in history', async () => {
    const app = await t.factories.app();
    const [alice, bob, manager] = [await t.factories.user(app), await t.factories.user(app), await t.factories.user(app)];
    const mod = await t.factories.user(app, { role: UserRole.MOD });
    const room = (await t.gql(GROUP, { m: [alice.id, bob.id] }, app.headers)).data!.createRoom.id;
    await t.gql(`mutation($r: ID!, $u: ID!) { addMember(roomId: $r, userId: $u, role: MANAGER) { role } }`, { r: room, u: manager.id }, app.headers);
    const del = `mutation($id: ID!) { deleteMessage(id: $id) { ok reason } }`;
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await send(alice.headers, room, { text: `t${i}` })).data!.sendMessage.id);
    expect(codeOf(await t.gql(del, { id: ids[0] }, bob.headers))).toBe('FORBIDDEN');
    for (const [id, headers] of [[ids[0], alice.headers], [ids[1], manager.headers], [ids[2], mod.headers], [ids[3], app.headers]] as const) {
      await expect(t.gql(del, { id }, headers)).resolves.toEqual({ data: { deleteMessage: { ok: true, reason: null } } });
    }
    await expect(t.gql(del, { id: ids[0] }, alice.headers)).resolves.toEqual({ data: { deleteMessage: { ok: false, reason: 'Message already deleted' } } });
    await expect(t.gql(del, { id: '999999999' }, alice.headers)).resolves.toEqual({ data: { deleteMessage: { ok: false, reason: 'Message not found' } } });
    const page = (await t.gql(PAGE, { r: room }, alice.headers)).data!.messages.nodes;
    expect(page).toHaveLength(4);
    for (const m of page) { expect(m.text).toBeNull(); expect(m.deletedAt).not.toBeNull(); }
  });

  it('counts unread messages from others after the read position, and markRead moves it forward only', async () => {
    const app = await t.factories.app();
    const [alice, bob] = [await t.factories.user(app), await t.factories.user(app)];
    const room = (await t.gql(GROUP, { m: [alice.id, bob.id] }, app.headers)).data!.createRoom.id;
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await send(bob.headers, room, { text: `b${i}` })).data!.sendMessage.id);
    await send(alice.headers, room, { text: 'own messages never count' });
    const unread = async () => (await t.gql(`{ myRooms { id unreadCount lastMessage { text } } }`, {}, alice.headers)).data!.myRooms.find((r: any) => r.id === room);
    await expect(unread()).resolves.toEqual({ id: room, unreadCount: 3, lastMessage: { text: 'own messages never count' } });
    const mark = `mutation($r: ID!, $m: ID!) { markRead(roomId: $r, messageId: $m) { lastReadMessageId } }`;
    await expect(t.gql(mark, { r: room, m: ids[1] }, alice.headers)).resolves.toEqual({ data: { markRead: { lastReadMessageId: ids[1] } } });
    await expect(unread()).resolves.toMatchObject({ unreadCount: 1 });
    await expect(t.gql(mark, { r: room, m: ids[0] }, alice.headers)).resolves.toEqual({ data: { markRead: { lastReadMessageId: ids[1] } } });
    await t.gql(`mutation($id: ID!) { deleteMessage(id: $id) { ok } }`, { id: ids[2] }, bob.headers);
    await expect(unread()).resolves.toMatchObject({ unreadCount: 0 });
    const other = (await t.gql(GROUP, { m: [bob.id] }, app.headers)).data!.createRoom.id;
    const foreignMessage = (await send(bob.headers, other, { text: 'elsewhere' })).data!.sendMessage.id;
    expect(codeOf(await t.gql(mark, { r: room, m: foreignMessage }, alice.headers))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(mark, { r: app.lobbyId, m: ids[0] }, alice.headers))).toBe('FORBIDDEN');
    const delivered = `mutation($r: ID!, $m: ID!) { markDelivered(roomId: $r, messageId: $m) { lastDeliveredMessageId } }`;
    await expect(t.gql(delivered, { r: room, m: ids[2] }, alice.headers)).resolves.toEqual({ data: { markDelivered: { lastDeliveredMessageId: ids[2] } } });
  });

  it('serves myRooms for many rooms without a query per room', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    for (let i = 0; i < 12; i++) {
      const room = (await t.gql(GROUP, { m: [alice.id] }, app.headers)).data!.createRoom.id;
      await send(app.headers, room, { text: `system ${i}` });
    }
    const rooms = (await t.gql(`{ myRooms { id memberCount unreadCount lastMessage { text kind author { id } } } }`, {}, alice.headers)).data!.myRooms;
    expect(rooms).toHaveLength(12);
    expect(rooms[0]).toMatchObject({ memberCount: 1, unreadCount: 1, lastMessage: { text: 'system 11', kind: 'SYSTEM', author: null } });
  });

  it('lets the app backend send as a bot, or as the system', async () => {
    const app = await t.factories.app();
    const bot = await t.factories.user(app, { uname: 'helperbot' });
    const asBot = await send(app.headers, app.lobbyId, { text: 'beep', asUserId: bot.id });
    expect(asBot.data!.sendMessage).toMatchObject({ kind: 'TEXT', author: { uname: 'helperbot' } });
    const system = await send(app.headers, app.lobbyId, { text: 'maintenance at noon' });
    expect(system.data!.sendMessage).toMatchObject({ kind: 'SYSTEM', author: null });
    expect(codeOf(await send(app.headers, app.lobbyId, { text: 'x', asUserId: '999999999' }))).toBe('NOT_FOUND');
  });

  it('searches a room, literally and case-insensitively, leaving deleted messages out', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    for (const text of ['Deploy at 5', 'deployment done', '100% sure', 'nothing here']) await send(alice.headers, app.lobbyId, { text });
    const search = `query($r: ID!, $q: String!) { searchMessages(roomId: $r, query: $q) { text } }`;
    const found = (await t.gql(search, { r: app.lobbyId, q: 'deploy' }, alice.headers)).data!.searchMessages.map((m: any) => m.text);
    expect(found.map((x: string) => x.toLowerCase()).sort()).toEqual(['deploy at 5', 'deployment done']);
    const percent = (await t.gql(search, { r: app.lobbyId, q: '0%' }, alice.headers)).data!.searchMessages;
    expect(percent).toEqual([{ text: '100% sure' }]);
    expect(codeOf(await t.gql(search, { r: app.lobbyId, q: '   ' }, alice.headers))).toBe('BAD_USER_INPUT');
  });

  it('sets and removes meta keys on messages (author or manager) ', async () => {
    const app = await t.factories.app();
    const [alice, bob] = [await t.factories.user(app), await t.factories.user(app)];
    const id = (await send(alice.headers, app.lobbyId, { text: 'x', meta: { a: 1 } })).data!.sendMessage.id;
    const patch = `mutation($id: ID!, $p: MetaPatchInput!) { updateMessageMeta(id: $id, patch: $p) { meta } }`;
    await expect(t.gql(patch, { id, p: { set: { b: 2 }, remove: ['a'] } }, alice.headers)).resolves.toEqual({ data: { updateMessageMeta: { meta: { b: 2 } } } });
    expect(codeOf(await t.gql(patch, { id, p: { set: { c: 3 } } }, bob.headers))).toBe('FORBIDDEN');
  });

  it('refuses posting in a GROUP room by non-members and in a DIRECT room by anyone else', async () => {
    const app = await t.factories.app();
    const [alice, bob, carol] = [await t.factories.user(app), await t.factories.user(app), await t.factories.user(app)];
    const group = (await t.gql(GROUP, { m: [alice.id] }, app.headers)).data!.createRoom.id;
    expect(codeOf(await send(bob.headers, group, { text: 'let me in' }))).toBe('FORBIDDEN');
    const direct = (await t.gql(`mutation($u: ID!) { openDirectRoom(userId: $u) { id } }`, { u: bob.id }, alice.headers)).data!.openDirectRoom.id;
    expect(codeOf(await send(bob.headers, direct, { text: 'hi alice' }))).toBeUndefined();
    expect(codeOf(await send(carol.headers, direct, { text: 'psst' }))).toBe('FORBIDDEN');
  });
});
