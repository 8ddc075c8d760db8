import { startApp, TestApp } from '../../support/app.js';
import { codeOf } from '../../support/clients.js';
import { testDrivers } from '../../support/drivers.js';
import { TestAppTenant, TestUser } from '../../support/factories.js';
import { authedSocket, LegacyClient } from '../../support/legacy.js';
import { connected, gqlWsClient, liveQueue, untilLive } from '../../support/ws.js';

// Blocking (issue 5, talker's block_user / unlock_user / blocked/users): the blocker stops
// receiving the blocked user's messages everywhere; the blocked user cannot open or write a
// DIRECT room with the blocker.
const BLOCK = `mutation($u: ID!) { blockUser(userId: $u) { id uname } }`;
const UNBLOCK = `mutation($u: ID!) { unblockUser(userId: $u) { ok reason } }`;
const BLOCKED = `query { blockedUsers { id uname } }`;
const DIRECT = `mutation($u: ID!) { openDirectRoom(userId: $u) { id type } }`;
const GROUP = `mutation($m: [ID!]) { createRoom(input: { memberIds: $m }) { id } }`;
const SEND = `mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: { text: $t }) { id } }`;
const EDIT = `mutation($id: ID!, $t: String!) { editMessage(id: $id, text: $t) { id } }`;
const HISTORY = `query($r: ID!, $after: ID) { messages(roomId: $r, after: $after) { nodes { text } } }`;
const SEARCH = `query($r: ID!, $q: String!) { searchMessages(roomId: $r, query: $q) { text } }`;
const ADDED = `subscription($r: ID!, $after: ID) { messageAdded(roomId: $r, after: $after) { text author { id } } }`;
const UPDATED = `subscription($r: ID!) { messageUpdated(roomId: $r) { text } }`;
const MINE = `subscription { myEvents { type message { text } } }`;

describe.each(testDrivers())('blocks on %s', (driver) => {
  let t: TestApp;
  const sockets: LegacyClient[] = [];
  const disposers: (() => Promise<void>)[] = [];
  beforeAll(async () => { t = await startApp(driver); });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await Promise.all(disposers.splice(0).map((d) => d()));
  });
  afterAll(() => t.close());

  const ws = async (user: TestUser) => {
    const client = gqlWsClient(t.url, { authorization: `Bearer ${user.token}` });
    disposers.push(async () => { await client.dispose(); });
    await connected(client);
    return client;
  };
  const legacy = async (app: TestAppTenant, user: TestUser) => {
    const { socket, data } = await authedSocket(t.url, app.id, user.hashedToken);
    sockets.push(socket);
    return { socket, data };
  };
  const texts = async (roomId: string, reader: TestUser) => {
    const result = await t.gql(HISTORY, { r: roomId }, reader.headers);
    expect(result.errors).toBeUndefined();
    return result.data!.messages.nodes.map((m: any) => m.text);
  };
  const send = async (roomId: string, sender: TestUser, text: string) => {
    const result = await t.gql(SEND, { r: roomId, t: text }, sender.headers);
    expect(result.errors).toBeUndefined();
    return result.data!.sendMessage.id as string;
  };
  const block = async (blocker: TestUser, blocked: TestUser) =>
    expect(t.gql(BLOCK, { u: blocked.id }, blocker.headers)).resolves.toEqual({ data: { blockUser: { id: blocked.id, uname: blocked.uname } } });

  it('blocks, lists (newest first), and unblocks; blocking twice is harmless; each user has their own list', async () => {
    const app = await t.factories.app();
    const [alice, bob, carol] = [await t.factories.user(app), await t.factories.user(app), await t.factories.user(app)];
    await expect(t.gql(BLOCKED, {}, alice.headers)).resolves.toEqual({ data: { blockedUsers: [] } });
    await block(alice, bob);
    await block(alice, bob);
    await block(alice, carol);
    await expect(t.gql(BLOCKED, {}, alice.headers)).resolves.toEqual({ data: { blockedUsers: [{ id: carol.id, uname: carol.uname }, { id: bob.id, uname: bob.uname }] } });
    await expect(t.gql(BLOCKED, {}, bob.headers)).resolves.toEqual({ data: { blockedUsers: [] } });
    await expect(t.gql(UNBLOCK, { u: bob.id }, alice.headers)).resolves.toEqual({ data: { unblockUser: { ok: true, reason: null } } });
    await expect(t.gql(UNBLOCK, { u: bob.id }, alice.headers)).resolves.toEqual({ data: { unblockUser: { ok: false, reason: 'Not blocked' } } });
    await expect(t.gql(UNBLOCK, { u: alice.id }, carol.headers)).resolves.toEqual({ data: { unblockUser: { ok: false, reason: 'Not blocked' } } });
    await expect(t.gql(BLOCKED, {}, alice.headers)).resolves.toEqual({ data: { blockedUsers: [{ id: carol.id, uname: carol.uname }] } });
  });

  it('refuses blocking yourself (BAD_USER_INPUT), an unknown or another app\'s user (NOT_FOUND), a malformed id, and callers that are not users', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const stranger = await t.factories.user(await t.factories.app());
    const refused = async (userId: string, code: string) => {
      const result = await t.gql(BLOCK, { u: userId }, alice.headers);
      expect([userId, codeOf(result)]).toEqual([userId, code]);
    };
    await refused(alice.id, 'BAD_USER_INPUT');
    await refused('999999999', 'NOT_FOUND');
    await refused(stranger.id, 'NOT_FOUND');
    await refused('bob', 'BAD_USER_INPUT');
    await refused('0', 'BAD_USER_INPUT');
    expect(codeOf(await t.gql(UNBLOCK, { u: 'bob' }, alice.headers))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(BLOCK, { u: alice.id }, app.headers))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(BLOCKED, {}, app.headers))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(BLOCK, { u: alice.id }))).toBe('UNAUTHENTICATED');
    await expect(t.gql(BLOCKED, {}, alice.headers)).resolves.toEqual({ data: { blockedUsers: [] } });
  });

  it('keeps the blocked user from opening a DIRECT room with the blocker, or writing in the one they had; unblocking restores both', async () => {
    const app = await t.factories.app();
    const [alice, bob, carol] = [await t.factories.user(app), await t.factories.user(app), await t.factories.user(app)];
    const existing = (await t.gql(DIRECT, { u: bob.id }, alice.headers)).data!.openDirectRoom;
    expect(existing.type).toBe('DIRECT');
    await send(existing.id, bob, 'hi alice');
    await block(alice, bob);
    const opened = await t.gql(DIRECT, { u: alice.id }, bob.headers);
    expect(codeOf(opened)).toBe('FORBIDDEN');
    expect(opened.errors![0].message).toBe('This user blocked you');
    const written = await t.gql(SEND, { r: existing.id, t: 'are you there?' }, bob.headers);
    expect(codeOf(written)).toBe('FORBIDDEN');
    // The blocker still may write to them, and the block is one way: bob still reads alice.
    await send(existing.id, alice, 'please stop');
    await expect(texts(existing.id, bob)).resolves.toEqual(['hi alice', 'please stop']);
    await expect(texts(existing.id, alice)).resolves.toEqual(['please stop']);
    // A block only concerns its pair: carol and bob open a DIRECT room as usual.
    expect(codeOf(await t.gql(DIRECT, { u: carol.id }, bob.headers))).toBeUndefined();
    await t.gql(UNBLOCK, { u: bob.id }, alice.headers);
    await expect(t.gql(DIRECT, { u: alice.id }, bob.headers)).resolves.toEqual({ data: { openDirectRoom: existing } });
    await send(existing.id, bob, 'sorry');
    await expect(texts(existing.id, alice)).resolves.toEqual(['hi alice', 'please stop', 'sorry']);
  });

  it('refuses a first DIRECT room from the blocked user, and lets the blocker open one', async () => {
    const app = await t.factories.app();
    const [alice, bob] = [await t.factories.user(app), await t.factories.user(app)];
    await block(alice, bob);
    expect(codeOf(await t.gql(DIRECT, { u: alice.id }, bob.headers))).toBe('FORBIDDEN');
    const room = (await t.gql(DIRECT, { u: bob.id }, alice.headers)).data!.openDirectRoom;
    expect(room.type).toBe('DIRECT');
    expect(codeOf(await t.gql(SEND, { r: room.id, t: 'let me in' }, bob.headers))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(DIRECT, { u: bob.id }, bob.headers))).toBe('BAD_USER_INPUT');
  });

  it('hides the blocked user\'s messages from the blocker\'s history and search in a GROUP room, not from others; unblocking shows them again', async () => {
    const app = await t.factories.app();
    const [alice, bob, carol] = [await t.factories.user(app), await t.factories.user(app), await t.factories.user(app)];
    const room = (await t.gql(GROUP, { m: [alice.id, bob.id, carol.id] }, app.headers)).data!.createRoom.id;
    const first = await send(room, carol, 'carol one');
    await send(room, bob, 'bob one');
    await send(room, carol, 'carol two');
    await block(alice, bob);
    await send(room, bob, 'bob two');
    await expect(texts(room, alice)).resolves.toEqual(['carol one', 'carol two']);
    expect((await t.gql(HISTORY, { r: room, after: first }, alice.headers)).data!.messages.nodes).toEqual([{ text: 'carol two' }]);
    await expect(t.gql(SEARCH, { r: room, q: 'one' }, alice.headers)).resolves.toEqual({ data: { searchMessages: [{ text: 'carol one' }] } });
    await expect(texts(room, carol)).resolves.toEqual(['carol one', 'bob one', 'carol two', 'bob two']);
    await expect(texts(room, bob)).resolves.toEqual(['carol one', 'bob one', 'carol two', 'bob two']);
    await expect(t.gql(SEARCH, { r: room, q: 'one' }, carol.headers)).resolves.toEqual({ data: { searchMessages: [{ text: 'bob one' }, { text: 'carol one' }] } });
    // Blocking does not keep anyone out of a shared room: bob still writes there.
    await t.gql(UNBLOCK, { u: bob.id }, alice.headers);
    await expect(texts(room, alice)).resolves.toEqual(['carol one', 'bob one', 'carol two', 'bob two']);
  });

  it('keeps the blocked user\'s new and edited messages off the blocker\'s live streams (messageAdded, resume, messageUpdated, myEvents) only', async () => {
    const app = await t.factories.app();
    const [alice, bob, carol] = [await t.factories.user(app), await t.factories.user(app), await t.factories.user(app)];
    const room = (await t.gql(GROUP, { m: [alice.id, bob.id, carol.id] }, app.headers)).data!.createRoom.id;
    const older = await send(room, bob, 'bob before');
    await send(room, carol, 'carol before');
    const aliceWs = await ws(alice);
    const carolWs = await ws(carol);
    // Subscribed before the block: the block takes effect on the open stream.
    const aliceAdded = liveQueue(aliceWs, ADDED, { r: room });
    const aliceUpdated = liveQueue(aliceWs, UPDATED, { r: room });
    const aliceMine = liveQueue(aliceWs, MINE);
    const carolAdded = liveQueue(carolWs, ADDED, { r: room });
    const carolUpdated = liveQueue(carolWs, UPDATED, { r: room });
    // Live first for edits (probes edit carol's base message), then for new messages: that fence comes after every earlier event.
    const base = await send(room, carol, 'carol base');
    await untilLive([aliceUpdated, carolUpdated], (tag) => t.gql(EDIT, { id: base, t: tag }, carol.headers));
    const probes = await untilLive([aliceAdded, carolAdded, aliceMine], async (tag) => { await send(room, carol, tag); });
    await block(alice, bob);
    const hidden = await send(room, bob, 'bob hidden');
    await t.gql(EDIT, { id: hidden, t: 'bob hidden, edited' }, bob.headers);
    await send(room, carol, 'carol visible');
    await expect(carolAdded.next()).resolves.toEqual({ data: { messageAdded: { text: 'bob hidden', author: { id: bob.id } } } });
    await expect(carolAdded.next()).resolves.toEqual({ data: { messageAdded: { text: 'carol visible', author: { id: carol.id } } } });
    await expect(carolUpdated.next()).resolves.toEqual({ data: { messageUpdated: { text: 'bob hidden, edited' } } });
    await expect(aliceAdded.next()).resolves.toEqual({ data: { messageAdded: { text: 'carol visible', author: { id: carol.id } } } });
    await expect(aliceMine.next()).resolves.toEqual({ data: { myEvents: { type: 'MESSAGE_ADDED', message: { text: 'carol visible' } } } });
    // A later edit of carol's is the next thing on alice's edit and own streams: bob's edit never came before it.
    await t.gql(EDIT, { id: base, t: 'carol base, marker' }, carol.headers);
    await expect(aliceUpdated.next()).resolves.toEqual({ data: { messageUpdated: { text: 'carol base, marker' } } });
    await expect(aliceMine.next()).resolves.toEqual({ data: { myEvents: { type: 'MESSAGE_UPDATED', message: { text: 'carol base, marker' } } } });
    expect(aliceAdded.unread()).toBe(0);
    // Subscribed after the block, resuming from before it: the replay leaves bob out too.
    const resumed = liveQueue(aliceWs, ADDED, { r: room, after: older });
    for (const text of ['carol before', 'carol base, marker', ...probes, 'carol visible']) await expect(resumed.next()).resolves.toMatchObject({ data: { messageAdded: { text } } });
    // The replay came, so the live part is registered (it is, before the replay starts).
    await send(room, bob, 'bob again');
    await send(room, carol, 'carol again');
    await expect(resumed.next()).resolves.toMatchObject({ data: { messageAdded: { text: 'carol again' } } });
    await expect(aliceAdded.next()).resolves.toMatchObject({ data: { messageAdded: { text: 'carol again' } } });
    // Unblocked: bob's messages flow again on the same streams.
    await t.gql(UNBLOCK, { u: bob.id }, alice.headers);
    await send(room, bob, 'bob forgiven');
    await expect(aliceAdded.next()).resolves.toMatchObject({ data: { messageAdded: { text: 'bob forgiven', author: { id: bob.id } } } });
    await expect(resumed.next()).resolves.toMatchObject({ data: { messageAdded: { text: 'bob forgiven' } } });
    await expect(aliceMine.next()).resolves.toMatchObject({ data: { myEvents: { message: { text: 'carol again' } } } });
    await expect(aliceMine.next()).resolves.toMatchObject({ data: { myEvents: { message: { text: 'bob forgiven' } } } });
  });

  it('keeps the blocked user\'s lobby messages off the blocker\'s legacy sockets (open before or after the block) and their auth history, from either transport', async () => {
    const app = await t.factories.app();
    const [alice, bob, carol] = [await t.factories.user(app), await t.factories.user(app), await t.factories.user(app)];
    await send(app.lobbyId, bob, 'bob earlier');
    const { socket: before } = await legacy(app, alice);
    const { socket: watcher } = await legacy(app, carol);
    const { socket: bobSocket } = await legacy(app, bob);
    await block(alice, bob);
    const { socket: after, data } = await legacy(app, alice);
    expect(data.room.history.map((m: any) => m.text)).toEqual([]);
    const { data: carolView } = await legacy(app, carol);
    expect(carolView.room.history.map((m: any) => m.text)).toEqual(['bob earlier']);
    await expect(bobSocket.request('new_message', 'bob over the socket')).resolves.toEqual([]);
    await send(app.lobbyId, bob, 'bob over graphql');
    await expect(bobSocket.request('new_message', '/me also hidden')).resolves.toEqual([]);
    await send(app.lobbyId, carol, 'carol here');
    for (const text of ['bob over the socket', 'bob over graphql', '/me also hidden', 'carol here']) {
      await expect(watcher.next('new_message')).resolves.toMatchObject({ text });
      await expect(bobSocket.next('new_message')).resolves.toMatchObject({ text });
    }
    for (const socket of [before, after]) {
      await expect(socket.next('new_message')).resolves.toMatchObject({ text: 'carol here', user: { uname: carol.uname } });
    }
    // GraphQL history of the lobby agrees with the socket.
    await expect(texts(app.lobbyId, alice)).resolves.toEqual(['carol here']);
    await t.gql(UNBLOCK, { u: bob.id }, alice.headers);
    await expect(bobSocket.request('new_message', 'bob is back')).resolves.toEqual([]);
    // The next message after 'carol here' is this one: nothing of bob's came in between.
    for (const socket of [before, after]) await expect(socket.next('new_message')).resolves.toMatchObject({ text: 'bob is back', user: { uname: bob.uname } });
    const { data: later } = await legacy(app, alice);
    expect(later.room.history.map((m: any) => m.text)).toEqual(['bob earlier', 'bob over the socket', 'bob over graphql', '/me also hidden', 'carol here', 'bob is back']);
  });
});
