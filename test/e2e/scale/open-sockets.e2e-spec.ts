import { UserRole } from '../../../src/users/user.model.js';
import { TEST_ADMIN_KEY, TestApp } from '../../support/app.js';
import { asOperator } from '../../support/clients.js';
import { authedSocket } from '../../support/legacy.js';
import { describeTwoInstances } from '../../support/redis.js';
import { CloseTimings, legacyEnded, wsClosed } from '../../support/session-ends.js';
import { connected, gqlWsClient, liveQueue, untilLive } from '../../support/ws.js';

// Sockets open on instance b; the change is made through instance a: it reaches b over the
// Redis bus, and b closes its own sockets (or ends their subscriptions) within a second.
const SEND = `mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: { text: $t }) { id } }`;
const ADDED = `subscription($r: ID!) { messageAdded(roomId: $r) { id text } }`;
const GROUP = `mutation($m: [ID!]) { createRoom(input: { memberIds: $m }) { id } }`;
const REVOKE = `mutation($id: ID!) { revokeUserTokens(userId: $id) }`;
const DELETE_USER = `mutation($id: ID!) { deleteUser(id: $id) { ok } }`;
const SET_ROLE = `mutation($u: ID!, $role: UserRole!) { setUserRole(userId: $u, role: $role) { id role } }`;
const ROTATE = `mutation($a: ID!) { rotateAppSecret(appId: $a) { secret } }`;

const timings = new CloseTimings('two instances, MariaDB + Redis');
afterAll(() => timings.print());

await describeTwoInstances('open-sockets-across-instances suite', 'open sockets across two instances', (cluster) => {
  const wsOn = async (instance: TestApp, params: Record<string, unknown>) => {
    const client = gqlWsClient(instance.url, params);
    await connected(client);
    return client;
  };

  /** Alice (in a GROUP room with bob) on b: graphql-ws with messageAdded live, and a legacy socket. */
  const aliceOnB = async () => {
    const { a, b } = cluster;
    const app = await a.factories.app();
    const [alice, bob] = [await a.factories.user(app), await a.factories.user(app)];
    const room: string = (await a.gql(GROUP, { m: [alice.id, bob.id] }, app.headers)).data!.createRoom.id;
    const ws = await wsOn(b, { authorization: `Bearer ${alice.token}` });
    const added = liveQueue(ws, ADDED, { r: room });
    const { socket: legacy } = await authedSocket(b.url, app.id, alice.hashedToken);
    await untilLive([added], (tag) => a.gql(SEND, { r: room, t: tag }, bob.headers));
    return { app, alice, bob, room, ws, added, legacy, wsClose: wsClosed(ws), legacyEnd: legacyEnded(legacy) };
  };

  it.each([
    ['revokeUserTokens', REVOKE, 'Forbidden: token revoked', 'Your session token was revoked'],
    ['deleteUser', DELETE_USER, 'Forbidden: user deleted', 'Your account was deleted'],
  ])('closes the sockets on the other instance within a second of %s', async (what, mutation, reason, message) => {
    const s = await aliceOnB();
    const answer = await cluster.a.gql(mutation, { id: s.alice.id }, s.app.headers);
    expect(answer.errors).toBeUndefined();
    const answered = Date.now();
    await expect(s.wsClose).resolves.toMatchObject({ code: 4403, reason });
    await expect(s.legacyEnd).resolves.toMatchObject({ message });
    expect(timings.record(`${what} on a → graphql-ws close on b`, Math.max(0, (await s.wsClose).at - answered))).toBeLessThan(1000);
    expect(timings.record(`${what} on a → legacy disconnect on b`, Math.max(0, (await s.legacyEnd).at - answered))).toBeLessThan(1000);
    // The live subscription ended with the close (nothing can reach a closed socket), unread: no message came after the probes.
    expect(s.added.received.at(-1)).toMatchObject({ errors: [{ code: 4403, reason }] });
    expect(s.added.unread()).toBe(1);
  });

  it('closes the sockets on the other instance within a second of a secret rotation', async () => {
    const s = await aliceOnB();
    const backend = await wsOn(cluster.b, { 'x-app-id': s.app.id, 'x-app-secret': s.app.secret });
    const backendClose = wsClosed(backend);
    await cluster.a.gql(ROTATE, { a: s.app.id }, asOperator(TEST_ADMIN_KEY));
    const answered = Date.now();
    await expect(backendClose).resolves.toMatchObject({ code: 4403, reason: 'Forbidden: the app secret was rotated' });
    await expect(s.wsClose).resolves.toMatchObject({ code: 4403, reason: 'Forbidden: token revoked' });
    await expect(s.legacyEnd).resolves.toMatchObject({ message: 'Your session token was revoked' });
    expect(timings.record('rotateAppSecret on a → graphql-ws close on b', Math.max(0, (await s.wsClose).at - answered))).toBeLessThan(1000);
  });

  it('ends a staff-only subscription on the other instance within a second of the role drop', async () => {
    const { a, b } = cluster;
    const app = await a.factories.app();
    const [admin, bob] = [await a.factories.user(app, { role: UserRole.ADMIN }), await a.factories.user(app)];
    const room: string = (await a.gql(GROUP, { m: [bob.id] }, app.headers)).data!.createRoom.id;
    const ws = await wsOn(b, { authorization: `Bearer ${admin.token}` });
    const group = liveQueue(ws, ADDED, { r: room });
    await untilLive([group], (tag) => a.gql(SEND, { r: room, t: tag }, bob.headers));
    await a.gql(SET_ROLE, { u: admin.id, role: 'MEMBER' }, app.headers);
    const answered = Date.now();
    await group.completed();
    expect(timings.record('role drop on a → subscription completed on b', Math.max(0, Date.now() - answered))).toBeLessThan(1000);
    await ws.dispose();
  });
});
