import { Client } from 'graphql-ws';
import { TestApp } from '../../support/app.js';
import { Headers } from '../../support/clients.js';
import { BULK_SENDING, TestAppTenant, unique } from '../../support/factories.js';
import { authedSocket, LegacyClient } from '../../support/legacy.js';
import { describeTwoInstances } from '../../support/redis.js';
import { connected, gqlWsClient, LiveQueue, liveQueue, untilLive } from '../../support/ws.js';

// Every domain event type made on instance A and seen on instance B through what consumes it,
// every field the same as A's own answer: the events cross Redis through their codecs (dates,
// ids and enums by type), so no field arrives as a string where the view has a DateTime.
// Covered elsewhere on two instances: presence.changed (user_joined / user_left, two-instances),
// user.changed (user-changes), app.changed (app-changes); message.created also in two-instances.

const USER = `id externalId uname displayName role isBot meta createdAt`;
const MESSAGE = `id roomId kind text meta clientMsgId createdAt editedAt deletedAt author { ${USER} }`;
const ROOM = `id key name type status frozen meta createdAt updatedAt`;
const MEMBERSHIP = `type roomId role mutedUntil bannedUntil reason user { ${USER} } actor { ${USER} }`;
const REPORT = `id roomId targetType category reason status resolution createdAt resolvedAt
  reporter { ${USER} } targetUser { ${USER} } targetMessage { ${MESSAGE} }`;

const CREATE_USER = `mutation($i: CreateUserInput!) { createUser(input: $i) { id uname } }`;
const ISSUE = `mutation($u: ID!) { issueUserToken(userId: $u) { token hashedToken } }`;
const USER_BY_ID = `query($id: ID!) { user(id: $id) { ${USER} } }`;
const MESSAGE_BY_ID = `query($id: ID!) { message(id: $id) { ${MESSAGE} } }`;
const ROOM_BY_ID = `query($id: ID!) { room(id: $id) { ${ROOM} } }`;
const CREATE_ROOM = `mutation($m: [ID!]) { createRoom(input: { name: "events", memberIds: $m, meta: { topic: "codec" } }) { id } }`;
const SEND = `mutation($r: ID!, $t: String!, $c: String, $meta: JSON) { sendMessage(roomId: $r, input: { text: $t, clientMsgId: $c, meta: $meta }) { ${MESSAGE} } }`;
const EDIT = `mutation($id: ID!, $t: String!) { editMessage(id: $id, text: $t) { ${MESSAGE} } }`;
const DELETE = `mutation($id: ID!) { deleteMessage(id: $id) { ok } }`;
const TYPING = `mutation($r: ID!, $on: Boolean!) { typing(roomId: $r, isTyping: $on) }`;
const MARK_READ = `mutation($r: ID!, $m: ID!) { markRead(roomId: $r, messageId: $m) { lastReadMessageId } }`;
const MARK_DELIVERED = `mutation($r: ID!, $m: ID!) { markDelivered(roomId: $r, messageId: $m) { lastDeliveredMessageId } }`;
const MUTE = `mutation($r: ID!, $u: ID!, $min: Int!) { muteUser(roomId: $r, userId: $u, minutes: $min) { ${MEMBERSHIP} } }`;
const BAN = `mutation($r: ID!, $u: ID!, $s: Int, $why: String) { banUser(roomId: $r, userId: $u, seconds: $s, reason: $why) { ${MEMBERSHIP} } }`;
const ADD_MEMBER = `mutation($r: ID!, $u: ID!, $role: MemberRole) { addMember(roomId: $r, userId: $u, role: $role) { role joinedAt } }`;
const UPDATE_ROOM = `mutation($id: ID!, $n: String!) { updateRoom(id: $id, input: { name: $n, status: "busy" }) { ${ROOM} } }`;
const FREEZE = `mutation($r: ID!, $f: Boolean!) { freezeRoom(roomId: $r, frozen: $f) { frozen } }`;
const DELETE_ROOM = `mutation($id: ID!) { deleteRoom(id: $id) { ok } }`;
const REPORT_MESSAGE = `mutation($m: ID!, $why: String) { createReport(input: { targetType: MESSAGE, messageId: $m, category: CUSTOM, reason: $why }) { ${REPORT} } }`;
const BLOCK = `mutation($u: ID!) { blockUser(userId: $u) { id } }`;
const UNBLOCK = `mutation($u: ID!) { unblockUser(userId: $u) { ok } }`;

/** A user made through the API with every field of the view set (meta, externalId, displayName), and a token. */
interface Person {
  id: string;
  uname: string;
  hashedToken: string;
  headers: Headers;
  token: string;
}

/** A valid DateTime within the last minute (and not ahead of now by more than clock jitter). */
const recentDateTime = (value: unknown) => typeof value === 'string' && new Date(value).toISOString() === value
  && Math.abs(Date.parse(value) - Date.now()) < 60_000;

await describeTwoInstances('event-types-across-instances suite', 'every event type across two instances', (cluster) => {
  const sockets: LegacyClient[] = [];
  const disposers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await Promise.all(disposers.splice(0).map((dispose) => dispose()));
  });

  const ok = async <T = any>(instance: TestApp, query: string, variables: Record<string, unknown>, headers: Headers): Promise<T> => {
    const result = await instance.gql(query, variables, headers);
    expect(result.errors).toBeUndefined();
    return result.data as T;
  };

  const person = async (app: TestAppTenant, role = 'MEMBER'): Promise<Person> => {
    const uname = unique('p');
    const input = { uname, externalId: `ext-${uname}`, displayName: `Person ${uname}`, role, meta: { city: 'Oslo', level: 3, tags: ['a'] } };
    const { createUser } = await ok(cluster.a, CREATE_USER, { i: input }, app.headers);
    const { issueUserToken } = await ok(cluster.a, ISSUE, { u: createUser.id }, app.headers);
    const token: string = issueUserToken.token;
    return { id: createUser.id, uname, token, hashedToken: issueUserToken.hashedToken, headers: { authorization: `Bearer ${token}` } };
  };

  /**
   * An app (loose flood control, probes send), a GROUP room with meta, and three members:
   * alice acts on A, bob watches on B, pat sends the message and report probes that make a subscription live.
   */
  const scene = async () => {
    const app = await cluster.a.factories.app(undefined, BULK_SENDING);
    const [alice, bob, pat] = [await person(app), await person(app), await person(app)];
    const room: string = (await ok(cluster.a, CREATE_ROOM, { m: [alice.id, bob.id, pat.id] }, app.headers)).createRoom.id;
    return { app, alice, bob, pat, room };
  };

  const graphqlWsOn = async (instance: TestApp, params: Record<string, unknown>): Promise<Client> => {
    const client = gqlWsClient(instance.url, params);
    disposers.push(async () => { await client.dispose(); });
    await connected(client);
    return client;
  };
  const asUserOn = (instance: TestApp, who: Person) => graphqlWsOn(instance, { authorization: `Bearer ${who.token}` });

  /** A subscription on B made live by probes from A (untilLive: each carries its tag, or returns what it carries). */
  const live = async (client: Client, query: string, variables: Record<string, unknown>, probe: (tag: string) => Promise<unknown>) => {
    const queue = liveQueue(client, query, variables);
    await untilLive([queue], probe);
    return queue;
  };
  /** The next payload that passes `pick` (an errored payload always does: the test must see it). */
  const nextWhere = async (queue: LiveQueue, pick: (data: any) => boolean) => {
    for (;;) {
      const payload = await queue.next();
      if (payload.errors || pick(payload.data)) return payload;
    }
  };
  const userView = async (app: TestAppTenant, who: Person) => (await ok(cluster.a, USER_BY_ID, { id: who.id }, app.headers)).user;

  it('message.created, .updated, .deleted: messageAdded, messageUpdated and messageDeleted on B carry what A answered', async () => {
    const { a, b } = cluster;
    const { app, alice, bob, pat, room } = await scene();
    const client = await asUserOn(b, bob);
    const probeId: string = (await ok(a, SEND, { r: room, t: 'probe' }, pat.headers)).sendMessage.id;
    const added = await live(client, `subscription($r: ID!) { messageAdded(roomId: $r) { ${MESSAGE} } }`, { r: room },
      (tag) => ok(a, SEND, { r: room, t: tag }, pat.headers));
    const updated = await live(client, `subscription($r: ID!) { messageUpdated(roomId: $r) { ${MESSAGE} } }`, { r: room },
      (tag) => ok(a, EDIT, { id: probeId, t: tag }, pat.headers));
    const removed = await live(client, `subscription($r: ID!) { messageDeleted(roomId: $r) { ${MESSAGE} } }`, { r: room }, async (tag) => {
      const id: string = (await ok(a, SEND, { r: room, t: tag }, pat.headers)).sendMessage.id;
      await ok(a, DELETE, { id }, pat.headers);
      return id; // a tombstone has no text: it carries the id
    });

    const sent = (await ok(a, SEND, { r: room, t: 'hello', c: 'c-1', meta: { reply: { to: probeId }, n: [1, 2] } }, alice.headers)).sendMessage;
    expect(sent).toMatchObject({ author: await userView(app, alice), meta: { reply: { to: probeId }, n: [1, 2] }, editedAt: null, deletedAt: null });
    await expect(nextWhere(added, (d) => d.messageAdded.id === sent.id)).resolves.toEqual({ data: { messageAdded: sent } });

    const edited = (await ok(a, EDIT, { id: sent.id, t: 'hello again' }, alice.headers)).editMessage;
    expect(recentDateTime(edited.editedAt)).toBe(true);
    await expect(nextWhere(updated, (d) => d.messageUpdated.id === sent.id)).resolves.toEqual({ data: { messageUpdated: edited } });

    expect((await ok(a, DELETE, { id: sent.id }, alice.headers)).deleteMessage.ok).toBe(true);
    const tombstone = (await ok(a, MESSAGE_BY_ID, { id: sent.id }, app.headers)).message;
    expect(tombstone).toMatchObject({ text: null, editedAt: edited.editedAt });
    expect(recentDateTime(tombstone.deletedAt)).toBe(true);
    await expect(nextWhere(removed, (d) => d.messageDeleted.id === sent.id)).resolves.toEqual({ data: { messageDeleted: tombstone } });
  });

  it('membership.changed: membershipChanged on B carries the join\'s role, the mute\'s and the ban\'s times, as A answered', async () => {
    const { a, b } = cluster;
    const { app, alice, bob, room } = await scene();
    const mod = await person(app, 'MOD');
    const members = await live(await asUserOn(b, bob), `subscription($r: ID!) { membershipChanged(roomId: $r) { ${MEMBERSHIP} } }`, { r: room },
      async () => { // a newcomer per probe: its JOINED carries its id
        const newcomer = await person(app);
        await ok(a, ADD_MEMBER, { r: room, u: newcomer.id }, app.headers);
        return newcomer.id;
      });

    await ok(a, ADD_MEMBER, { r: room, u: mod.id, role: 'MANAGER' }, app.headers);
    await expect(nextWhere(members, (d) => d.membershipChanged.user.id === mod.id)).resolves.toEqual({ data: { membershipChanged: {
      type: 'JOINED', roomId: room, role: 'MANAGER', mutedUntil: null, bannedUntil: null, reason: null, user: await userView(app, mod), actor: null,
    } } });

    const muted = (await ok(a, MUTE, { r: room, u: alice.id, min: 10 }, mod.headers)).muteUser;
    expect(muted).toMatchObject({ type: 'MUTED', actor: await userView(app, mod) });
    expect(Date.parse(muted.mutedUntil) - Date.now()).toBeGreaterThan(9 * 60_000);
    await expect(nextWhere(members, (d) => d.membershipChanged.user.id === alice.id && d.membershipChanged.type === 'MUTED')).resolves.toEqual({ data: { membershipChanged: muted } });

    const banned = (await ok(a, BAN, { r: room, u: alice.id, s: 3600, why: 'spam' }, app.headers)).banUser;
    expect(banned).toMatchObject({ type: 'BANNED', reason: 'spam', actor: null });
    expect(recentDateTime(new Date(Date.parse(banned.bannedUntil) - 3600_000).toISOString())).toBe(true);
    await expect(nextWhere(members, (d) => d.membershipChanged.user.id === alice.id && d.membershipChanged.type === 'BANNED')).resolves.toEqual({ data: { membershipChanged: banned } });
  });

  it('membership.changed in the lobby: legacy sockets on B hear a mute and a ban with the times A set', async () => {
    const { a, b } = cluster;
    const app = await a.factories.app();
    const carol = await person(app);
    const { socket: watcherOnB } = await authedSocket(b.url, app.id);
    sockets.push(watcherOnB);

    const muted = (await ok(a, MUTE, { r: app.lobbyId, u: carol.id, min: 5 }, app.headers)).muteUser;
    await expect(watcherOnB.next('user_muted')).resolves.toEqual({ uname: carol.uname, mins: 5, expires_at: muted.mutedUntil });
    const banned = (await ok(a, BAN, { r: app.lobbyId, u: carol.id, s: 600 }, app.headers)).banUser;
    await expect(watcherOnB.next('system_message')).resolves.toBe(`${carol.uname} was banned until ${banned.bannedUntil}`);
  });

  it('typing: typing on B carries the user and the flag', async () => {
    const { a, b } = cluster;
    const { app, alice, bob, room } = await scene();
    const typing = await live(await asUserOn(b, bob), `subscription($r: ID!) { typing(roomId: $r) { roomId isTyping user { ${USER} } } }`, { r: room },
      async () => { // a newcomer per probe: its typing carries its id
        const newcomer = await person(app);
        await ok(a, ADD_MEMBER, { r: room, u: newcomer.id }, app.headers);
        await ok(a, TYPING, { r: room, on: false }, newcomer.headers);
        return newcomer.id;
      });
    expect((await ok(a, TYPING, { r: room, on: true }, alice.headers)).typing).toBe(true);
    await expect(nextWhere(typing, (d) => d.typing.user.id === alice.id)).resolves.toEqual({
      data: { typing: { roomId: room, isTyping: true, user: await userView(app, alice) } },
    });
  });

  it('receipt: readReceipt on B carries `at` as a valid DateTime, for READ and DELIVERED', async () => {
    const { a, b } = cluster;
    const { app, alice, bob, pat, room } = await scene();
    const ids: string[] = [];
    for (const text of ['one', 'two']) ids.push((await ok(a, SEND, { r: room, t: text }, bob.headers)).sendMessage.id);
    const receipts = await live(await asUserOn(b, bob), `subscription($r: ID!) { readReceipt(roomId: $r) { roomId messageId kind at user { ${USER} } } }`, { r: room },
      async (tag) => { // the receipt carries the message's id
        const id: string = (await ok(a, SEND, { r: room, t: tag }, pat.headers)).sendMessage.id;
        await ok(a, MARK_READ, { r: room, m: id }, pat.headers);
        return id;
      });
    const aliceView = await userView(app, alice);

    const before = Date.now();
    expect((await ok(a, MARK_READ, { r: room, m: ids[1] }, alice.headers)).markRead.lastReadMessageId).toBe(ids[1]);
    const read = await nextWhere(receipts, (d) => d.readReceipt.user.id === alice.id);
    expect(read.errors).toBeUndefined(); // it was INTERNAL: `at` crossed Redis as a string
    expect(read.data.readReceipt).toEqual({ roomId: room, messageId: ids[1], kind: 'READ', at: expect.any(String), user: aliceView });
    expect(recentDateTime(read.data.readReceipt.at)).toBe(true);
    expect(Date.parse(read.data.readReceipt.at)).toBeGreaterThanOrEqual(before - 1000);

    await ok(a, MARK_DELIVERED, { r: room, m: ids[0] }, alice.headers);
    const delivered = await nextWhere(receipts, (d) => d.readReceipt.user.id === alice.id);
    expect(delivered).toEqual({ data: { readReceipt: { roomId: room, messageId: ids[0], kind: 'DELIVERED', at: expect.any(String), user: aliceView } } });
    expect(recentDateTime(delivered.data.readReceipt.at)).toBe(true);
  });

  it('room.updated and room.deleted: myEvents on B carries the room as A answered; a freeze reaches legacy sockets on B', async () => {
    const { a, b } = cluster;
    const { app, bob, room } = await scene();
    const mine = await live(await asUserOn(b, bob), `subscription { myEvents { type roomId room { ${ROOM} } } }`, {},
      async () => (await ok(a, CREATE_ROOM, { m: [bob.id] }, app.headers)).createRoom.id as string); // a new room of bob's per probe: its JOINED carries the room's id

    const renamed = (await ok(a, UPDATE_ROOM, { id: room, n: 'renamed' }, app.headers)).updateRoom;
    expect(renamed).toMatchObject({ name: 'renamed', status: 'busy', type: 'GROUP', meta: { topic: 'codec' } });
    await expect(nextWhere(mine, (d) => d.myEvents.type === 'ROOM_UPDATED')).resolves.toEqual({
      data: { myEvents: { type: 'ROOM_UPDATED', roomId: room, room: renamed } },
    });

    const before = (await ok(a, ROOM_BY_ID, { id: room }, app.headers)).room;
    expect((await ok(a, DELETE_ROOM, { id: room }, app.headers)).deleteRoom.ok).toBe(true);
    await expect(nextWhere(mine, (d) => d.myEvents.type === 'ROOM_DELETED')).resolves.toEqual({
      data: { myEvents: { type: 'ROOM_DELETED', roomId: room, room: before } },
    });

    const { socket: watcherOnB } = await authedSocket(b.url, app.id);
    sockets.push(watcherOnB);
    expect((await ok(a, FREEZE, { r: app.lobbyId, f: true }, app.headers)).freezeRoom.frozen).toBe(true);
    await expect(watcherOnB.next('system_message')).resolves.toBe('The chat was frozen: only moderators may write');
  });

  it('report.created: reportCreated on B carries the report, its message and users, as A answered', async () => {
    const { a, b } = cluster;
    const { app, alice, bob, pat, room } = await scene();
    const target = (await ok(a, SEND, { r: room, t: 'you are all fools', meta: { x: 1 } }, bob.headers)).sendMessage;
    const reports = await live(await graphqlWsOn(b, { 'x-app-id': app.id, 'x-app-secret': app.secret }),
      `subscription($r: ID!) { reportCreated(roomId: $r) { ${REPORT} } }`, { r: room },
      (tag) => ok(a, REPORT_MESSAGE, { m: target.id, why: tag }, pat.headers));

    const filed = (await ok(a, REPORT_MESSAGE, { m: target.id, why: 'rude' }, alice.headers)).createReport;
    expect(filed).toMatchObject({
      roomId: room, targetType: 'MESSAGE', category: 'CUSTOM', status: 'OPEN', resolvedAt: null,
      reporter: await userView(app, alice), targetUser: await userView(app, bob), targetMessage: target,
    });
    expect(recentDateTime(filed.createdAt)).toBe(true);
    await expect(nextWhere(reports, (d) => d.reportCreated.id === filed.id)).resolves.toEqual({ data: { reportCreated: filed } });
  });

  it('block.changed: a block made on A hides the blocked user\'s messages from the blocker\'s sockets on B at once, and an unblock shows them again', async () => {
    const { a, b } = cluster;
    const app = await a.factories.app(undefined, BULK_SENDING);
    const [blocker, rude, other] = [await person(app), await person(app), await person(app)];
    const { socket: blockerOnB } = await authedSocket(b.url, app.id, blocker.hashedToken);
    sockets.push(blockerOnB);
    const added = await live(await asUserOn(b, blocker), `subscription($r: ID!) { messageAdded(roomId: $r) { text } }`, { r: app.lobbyId },
      (tag) => ok(a, SEND, { r: app.lobbyId, t: tag }, other.headers));

    await ok(a, BLOCK, { u: rude.id }, blocker.headers);
    // Sent after the block through the same instance: B reads the bus in order, so the block is known there first.
    await ok(a, SEND, { r: app.lobbyId, t: 'rude, hidden' }, rude.headers);
    await ok(a, SEND, { r: app.lobbyId, t: 'after the block' }, other.headers);
    await expect(nextWhere(added, (d) => !d.messageAdded.text.startsWith('probe'))).resolves.toEqual({ data: { messageAdded: { text: 'after the block' } } });
    await expect(nextLegacyText(blockerOnB, 'after the block')).resolves.toEqual(['after the block']);

    expect((await ok(a, UNBLOCK, { u: rude.id }, blocker.headers)).unblockUser.ok).toBe(true);
    await ok(a, SEND, { r: app.lobbyId, t: 'rude, seen again' }, rude.headers);
    await expect(nextWhere(added, (d) => !d.messageAdded.text.startsWith('probe'))).resolves.toEqual({ data: { messageAdded: { text: 'rude, seen again' } } });
    await expect(nextLegacyText(blockerOnB, 'rude, seen again')).resolves.toEqual(['rude, seen again']);
  });
});

/** The texts of legacy new_message events up to and including `last`, probes left out. */
async function nextLegacyText(socket: LegacyClient, last: string): Promise<string[]> {
  const texts: string[] = [];
  for (;;) {
    const { text } = await socket.next<{ text: string }>('new_message');
    if (!text.startsWith('probe')) texts.push(text);
    if (text === last) return texts;
  }
}
