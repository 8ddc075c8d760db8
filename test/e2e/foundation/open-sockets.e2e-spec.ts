import type { Client } from 'graphql-ws';
import { UserRole } from '../../../src/users/user.model.js';
import { startApp, TEST_ADMIN_KEY, TestApp } from '../../support/app.js';
import { asOperator, codeOf } from '../../support/clients.js';
import { testDrivers } from '../../support/drivers.js';
import { TestAppTenant, TestUser } from '../../support/factories.js';
import { authedSocket, LegacyClient } from '../../support/legacy.js';
import { CloseTimings, legacyEnded, wsClosed } from '../../support/session-ends.js';
import { untilClockPasses } from '../../support/wait.js';
import { connected, gqlWsClient, LiveQueue, liveQueue, untilLive } from '../../support/ws.js';

// SPEC: a token that is revoked or expires, or whose user is deleted, stops working on sockets
// that are already open, not only on new ones; and what a role gave ends when it drops.
const SEND = `mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: { text: $t }) { id } }`;
const ADDED = `subscription($r: ID!, $after: ID) { messageAdded(roomId: $r, after: $after) { id text } }`;
const REPORTS = `subscription($r: ID!) { reportCreated(roomId: $r) { id } }`;
const GROUP = `mutation($m: [ID!]) { createRoom(input: { memberIds: $m }) { id } }`;
const HISTORY = `query($r: ID!) { messages(roomId: $r, limit: 100) { nodes { text } } }`;
const REVOKE = `mutation($id: ID!) { revokeUserTokens(userId: $id) }`;
const DELETE_USER = `mutation($id: ID!) { deleteUser(id: $id) { ok } }`;
const ISSUE = `mutation($id: ID!, $at: DateTime) { issueUserToken(userId: $id, expiresAt: $at) { token hashedToken expiresAt } }`;
const SET_ROLE = `mutation($u: ID!, $role: UserRole!) { setUserRole(userId: $u, role: $role) { id role } }`;
const ROTATE = `mutation($a: ID!) { rotateAppSecret(appId: $a) { secret } }`;
const SETTINGS = `mutation { updateAppSettings(input: { rateLimit: { count: 500, seconds: 60 } }) { rateLimit { count } } }`;
const ME = `query { me { id role } }`;

/** One operation over an open graphql-ws connection: its result, or how the connection ended first. */
function over(client: Client, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  return new Promise((resolve) => {
    client.subscribe({ query, variables }, {
      next: (result) => resolve(result),
      error: (error) => resolve(Array.isArray(error) ? { errors: error } : { closed: (error as { code?: number }).code ?? String(error) }),
      complete: () => undefined,
    });
  });
}

const texts = (queue: LiveQueue) => queue.received.map((r) => r.data?.messageAdded?.text).filter(Boolean);

describe.each(testDrivers())('credentials of open sockets on %s', (driver) => {
  let t: TestApp;
  const timings = new CloseTimings(`one instance, ${driver}`);
  beforeAll(async () => { t = await startApp(driver); });
  afterAll(async () => { timings.print(); await t.close(); });

  const wsAs = async (params: Record<string, unknown>) => {
    const client = gqlWsClient(t.url, params);
    await connected(client);
    return client;
  };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  /** An app, alice and bob in a GROUP room; alice on graphql-ws (messageAdded of it) and on a legacy socket. */
  const scene = async () => {
    const app = await t.factories.app();
    const [alice, bob] = [await t.factories.user(app), await t.factories.user(app)];
    const room: string = (await t.gql(GROUP, { m: [alice.id, bob.id] }, app.headers)).data!.createRoom.id;
    const ws = await wsAs(bearer(alice.token));
    const added = liveQueue(ws, ADDED, { r: room });
    const { socket: legacy } = await authedSocket(t.url, app.id, alice.hashedToken);
    const bobWs = await wsAs(bearer(bob.token));
    const bobAdded = liveQueue(bobWs, ADDED, { r: room });
    await untilLive([added, bobAdded], (tag) => t.gql(SEND, { r: room, t: tag }, bob.headers));
    return { app, alice, bob, room, ws, added, legacy, bobWs, bobAdded };
  };

  /** After the sockets closed: bob's next message reaches bob and not alice's ended subscription. */
  const quietForAlice = async (s: { room: string; bob: TestUser; added: LiveQueue; bobAdded: LiveQueue; legacy: LegacyClient }) => {
    await t.gql(SEND, { r: s.room, t: 'after the close' }, s.bob.headers);
    await expect(s.bobAdded.next()).resolves.toMatchObject({ data: { messageAdded: { text: 'after the close' } } });
    expect(texts(s.added)).not.toContain('after the close');
    expect(s.legacy.raw.connected).toBe(false);
  };

  it('closes every socket of a revoked token within a second: graphql-ws 4403, legacy client_error then disconnect; others stay', async () => {
    const s = await scene();
    const [wsClose, legacyEnd] = [wsClosed(s.ws), legacyEnded(s.legacy)];
    expect((await t.gql(REVOKE, { id: s.alice.id }, s.app.headers)).data!.revokeUserTokens).toBe(1);
    const answered = Date.now();
    await expect(wsClose).resolves.toMatchObject({ code: 4403, reason: 'Forbidden: token revoked' });
    await expect(legacyEnd).resolves.toMatchObject({ message: 'Your session token was revoked', reason: 'io server disconnect' });
    expect(timings.record('revoke → graphql-ws close', Math.max(0, (await wsClose).at - answered))).toBeLessThan(1000);
    expect(timings.record('revoke → legacy disconnect', Math.max(0, (await legacyEnd).at - answered))).toBeLessThan(1000);
    await quietForAlice(s);
    await expect(over(s.bobWs, ME)).resolves.toMatchObject({ data: { me: { id: s.bob.id } } });
    await s.bobWs.dispose();
  });

  it('stores nothing sent over a socket right after its token was revoked, on either transport', async () => {
    const s = await scene();
    const legacyEnd = legacyEnded(s.legacy);
    await t.gql(REVOKE, { id: s.alice.id }, s.app.headers);
    // Sent at once, before the close can have reached the client: authorised as of now, not as of the handshake.
    const overWs = over(s.ws, SEND, { r: s.room, t: 'sneaky ws' });
    const overLegacy = Promise.race([s.legacy.request('new_message', 'sneaky legacy'), legacyEnd.then(() => ['disconnected'])]);
    const [wsAnswer, legacyAnswer] = await Promise.all([overWs, overLegacy]);
    expect(wsAnswer.data?.sendMessage ?? null).toBeNull();
    if (!wsAnswer.closed) expect(wsAnswer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(['USER_REQUIRED', 'disconnected']).toContain(legacyAnswer[0]);
    const stored = (await t.gql(HISTORY, { r: s.room }, s.app.headers)).data!.messages.nodes.map((n: any) => n.text);
    const lobby = (await t.gql(HISTORY, { r: s.app.lobbyId }, s.app.headers)).data!.messages.nodes.map((n: any) => n.text);
    expect([...stored, ...lobby].filter((text: string) => text.startsWith('sneaky'))).toEqual([]);
    await s.bobWs.dispose();
  });

  it('closes the sockets of a deleted user within a second, and their GROUP subscription delivers nothing after', async () => {
    const s = await scene();
    const [wsClose, legacyEnd] = [wsClosed(s.ws), legacyEnded(s.legacy)];
    expect((await t.gql(DELETE_USER, { id: s.alice.id }, s.app.headers)).data!.deleteUser.ok).toBe(true);
    const answered = Date.now();
    await expect(wsClose).resolves.toMatchObject({ code: 4403, reason: 'Forbidden: user deleted' });
    await expect(legacyEnd).resolves.toMatchObject({ message: 'Your account was deleted' });
    expect(timings.record('deleteUser → graphql-ws close', Math.max(0, (await wsClose).at - answered))).toBeLessThan(1000);
    expect(timings.record('deleteUser → legacy disconnect', Math.max(0, (await legacyEnd).at - answered))).toBeLessThan(1000);
    await quietForAlice(s);
    await s.bobWs.dispose();
  });

  it('closes sockets with 4401 when their token expires, and a fresh token resumes with messageAdded(after:) without losing a message', async () => {
    const app = await t.factories.app();
    const [alice, bob] = [await t.factories.user(app), await t.factories.user(app)];
    const room: string = (await t.gql(GROUP, { m: [alice.id, bob.id] }, app.headers)).data!.createRoom.id;
    const short = (await t.gql(ISSUE, { id: alice.id, at: new Date(Date.now() + 3000).toISOString() }, app.headers)).data!.issueUserToken;
    const expiresAt = new Date(short.expiresAt).getTime();
    const ws = await wsAs(bearer(short.token));
    const added = liveQueue(ws, ADDED, { r: room });
    const { socket: legacy } = await authedSocket(t.url, app.id, short.hashedToken);
    const [wsClose, legacyEnd] = [wsClosed(ws), legacyEnded(legacy)];
    await untilLive([added], (tag) => t.gql(SEND, { r: room, t: tag }, bob.headers));
    const lastSeen = (await t.gql(SEND, { r: room, t: 'before expiry' }, bob.headers)).data!.sendMessage.id;
    await expect(added.next()).resolves.toMatchObject({ data: { messageAdded: { id: lastSeen } } });
    await expect(wsClose).resolves.toMatchObject({ code: 4401, reason: 'Unauthorized: token expired' });
    await expect(legacyEnd).resolves.toMatchObject({ message: 'Your session token expired: reconnect with a fresh one' });
    for (const [what, end] of [['graphql-ws close', await wsClose], ['legacy disconnect', await legacyEnd]] as const) {
      expect(end.at).toBeGreaterThanOrEqual(expiresAt - 50); // not before the token's exp (same clock)
      expect(timings.record(`exp → ${what}`, Math.max(0, end.at - expiresAt))).toBeLessThan(1000);
    }
    // Sent while alice had no socket; her client renews the token and resumes after the last id it saw.
    await t.gql(SEND, { r: room, t: 'while away' }, bob.headers);
    const fresh = (await t.gql(ISSUE, { id: alice.id }, app.headers)).data!.issueUserToken;
    const again = await wsAs(bearer(fresh.token));
    const resumed = liveQueue(again, ADDED, { r: room, after: lastSeen });
    await expect(resumed.next()).resolves.toMatchObject({ data: { messageAdded: { text: 'while away' } } });
    await again.dispose();
  });

  it('refuses a socket whose token expired during the handshake check as it would a new one', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const gone = (await t.gql(ISSUE, { id: alice.id, at: new Date(Date.now() + 1500).toISOString() }, app.headers)).data!.issueUserToken;
    await untilClockPasses(Date.parse(gone.expiresAt)); // the end the server gave it
    const client = gqlWsClient(t.url, bearer(gone.token));
    await expect(wsClosed(client)).resolves.toMatchObject({ code: 4401 });
    const legacy = await authedSocket(t.url, app.id, gone.hashedToken);
    expect(legacy.data.user).toBeUndefined(); // an anonymous reader, as the protocol has it for a bad token
    await expect(legacy.socket.request('new_message', 'hi')).resolves.toEqual(['USER_REQUIRED']);
    legacy.socket.close();
    await client.dispose();
  });

  it('takes away what a dropped role gave at once: staff-only subscriptions end, staff mutations over the same socket are refused, the socket stays', async () => {
    const app = await t.factories.app();
    const [admin, alice, bob] = [await t.factories.user(app, { role: UserRole.ADMIN }), await t.factories.user(app), await t.factories.user(app)];
    const room: string = (await t.gql(GROUP, { m: [alice.id, bob.id] }, app.headers)).data!.createRoom.id;
    const ws = await wsAs(bearer(admin.token));
    const group = liveQueue(ws, ADDED, { r: room }); // readable only as staff: admin is no member
    const reports = liveQueue(ws, REPORTS, { r: room }); // reportCreated: managers and staff
    const lobby = liveQueue(ws, ADDED, { r: app.lobbyId }); // OPEN: anyone may read it
    await untilLive([group], (tag) => t.gql(SEND, { r: room, t: tag }, bob.headers));
    await untilLive([lobby], (tag) => t.gql(SEND, { r: app.lobbyId, t: tag }, bob.headers));
    await expect(over(ws, SET_ROLE, { u: bob.id, role: 'MOD' })).resolves.toMatchObject({ data: { setUserRole: { role: 'MOD' } } });
    await t.gql(SET_ROLE, { u: admin.id, role: 'MEMBER' }, app.headers);
    const answered = Date.now();
    await Promise.all([group.completed(), reports.completed()]);
    expect(timings.record('role drop → staff-only subscriptions completed', Math.max(0, Date.now() - answered))).toBeLessThan(1000);
    await expect(over(ws, SET_ROLE, { u: bob.id, role: 'MEMBER' })).resolves.toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    await expect(over(ws, ME)).resolves.toEqual({ data: { me: { id: admin.id, role: 'MEMBER' } } });
    await t.gql(SEND, { r: app.lobbyId, t: 'lobby still live' }, bob.headers);
    await expect(lobby.next()).resolves.toMatchObject({ data: { messageAdded: { text: 'lobby still live' } } });
    await expect(over(ws, ADDED, { r: room })).resolves.toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    await ws.dispose();
  });

  it('applies a dropped role to a legacy socket\'s next command: a demoted mod\'s /mute is refused', async () => {
    const app = await t.factories.app();
    const [mod, bob] = [await t.factories.user(app, { role: UserRole.MOD }), await t.factories.user(app)];
    const { socket } = await authedSocket(t.url, app.id, mod.hashedToken);
    await expect(socket.request('new_message', `/mute ${bob.uname} 5`)).resolves.toEqual([]);
    await expect(socket.next('system_message')).resolves.toBe(`${bob.uname} was muted for 5 min`);
    await t.gql(SET_ROLE, { u: mod.id, role: 'MEMBER' }, app.headers);
    await expect(socket.request('new_message', `/unmute ${bob.uname}`)).resolves.toEqual([]);
    await expect(socket.next('system_message')).resolves.not.toContain('was unmuted');
    expect(socket.raw.connected).toBe(true);
    socket.close();
  });

  it('closes every socket of an app when its secret is rotated (the app backend\'s own too), and none for a settings change', async () => {
    const app: TestAppTenant = await t.factories.app();
    const alice = await t.factories.user(app);
    const backend = await wsAs({ 'x-app-id': app.id, 'x-app-secret': app.secret });
    const user = await wsAs(bearer(alice.token));
    const { socket: legacy } = await authedSocket(t.url, app.id, alice.hashedToken);
    const [backendClose, userClose, legacyEnd] = [wsClosed(backend), wsClosed(user), legacyEnded(legacy)];
    expect(codeOf(await t.gql(SETTINGS, {}, app.headers))).toBeUndefined();
    await expect(over(user, ME)).resolves.toMatchObject({ data: { me: { id: alice.id } } }); // still open
    await expect(over(backend, `query { app { id } }`)).resolves.toEqual({ data: { app: { id: app.id } } });
    expect(codeOf(await t.gql(ROTATE, { a: app.id }, asOperator(TEST_ADMIN_KEY)))).toBeUndefined();
    const answered = Date.now();
    await expect(backendClose).resolves.toMatchObject({ code: 4403, reason: 'Forbidden: the app secret was rotated' });
    await expect(userClose).resolves.toMatchObject({ code: 4403, reason: 'Forbidden: token revoked' });
    await expect(legacyEnd).resolves.toMatchObject({ message: 'Your session token was revoked' });
    expect(timings.record('rotateAppSecret → graphql-ws close (app backend)', Math.max(0, (await backendClose).at - answered))).toBeLessThan(1000);
    expect(timings.record('rotateAppSecret → graphql-ws close (user)', Math.max(0, (await userClose).at - answered))).toBeLessThan(1000);
  });
});
