import { PRESENCE_TIMING } from '../../../src/config/app-config.js';
import { startCluster, TEST_ADMIN_KEY, TestApp } from '../../support/app.js';
import { mysqlDriver } from '../../support/drivers.js';
import { TestAppTenant, TestUser } from '../../support/factories.js';
import { authedSocket, LegacyClient } from '../../support/legacy.js';
import { ServerProcess, startProcess } from '../../support/processes.js';
import { clusterReady, REDIS_URL } from '../../support/redis.js';
import { connected, gqlWsClient } from '../../support/ws.js';

const ONLINE = `query($id: ID!) { user(id: $id) { online } }`;

/**
 * The survivor judges the other instance dead 5 s after its last heartbeat (production: 10 s),
 * looking every 250 ms; the other runs the built server with the default heartbeat (every 2 s).
 */
const SURVIVOR_PRESENCE = { ...PRESENCE_TIMING, deadAfterMs: 5_000, reapEveryMs: 250 };
const BOUND_MS = SURVIVOR_PRESENCE.deadAfterMs + SURVIVOR_PRESENCE.reapEveryMs + 2_000;

const ready = await clusterReady('instance-death suite');

(ready ? describe : describe.skip)('an instance dying, with MariaDB and Redis', () => {
  let survivor: TestApp;
  let other: ServerProcess | null = null;
  const sockets: LegacyClient[] = [];
  const disposers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    [survivor] = await startCluster(mysqlDriver, 1, { REDIS_URL }, { presence: SURVIVOR_PRESENCE });
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await Promise.all(disposers.splice(0).map((dispose) => dispose().catch(() => undefined)));
    await other?.kill();
    other = null;
  });
  afterAll(() => survivor.close());

  const startOther = async () => {
    other = await startProcess({
      PORT: '0', DATABASE_URL: survivor.databaseUrl, REDIS_URL, CHAT_ADMIN_KEY: TEST_ADMIN_KEY, NODE_ENV: 'test', LOG_LEVEL: 'error',
    });
    return other;
  };
  const legacyOn = async (url: string, app: TestAppTenant, user?: TestUser) => {
    const { socket, data } = await authedSocket(url, app.id, user?.hashedToken);
    sockets.push(socket);
    return { socket, data };
  };
  const graphqlWsOn = async (url: string, user: TestUser) => {
    const client = gqlWsClient(url, { authorization: `Bearer ${user.token}` });
    disposers.push(async () => { await client.dispose(); });
    await connected(client);
    return client;
  };
  /** The next `count` user_left unames, in any order. */
  const leaving = async (socket: LegacyClient, count: number, timeoutMs: number) => {
    const unames: string[] = [];
    for (let i = 0; i < count; i++) unames.push((await socket.next('user_left', timeoutMs)).uname);
    return unames.sort();
  };

  it('takes a SIGKILLed instance\'s users out of presence within a bounded time', async () => {
    const doomed = await startOther();
    const app = await survivor.factories.app();
    const [bob, carol, dave] = [await survivor.factories.user(app), await survivor.factories.user(app), await survivor.factories.user(app)];
    const { socket: watcher } = await legacyOn(survivor.url, app);
    await legacyOn(doomed.url, app, bob);
    await graphqlWsOn(doomed.url, carol);
    await legacyOn(doomed.url, app, dave);
    await legacyOn(survivor.url, app, dave); // dave is also here: he stays
    for (let i = 0; i < 3; i++) await watcher.next('user_joined');
    const { data } = await legacyOn(survivor.url, app);
    expect(Object.keys(data.room.users).sort()).toEqual([bob.uname, carol.uname, dave.uname].sort());

    const killedAt = Date.now();
    await doomed.kill();
    await expect(leaving(watcher, 2, BOUND_MS)).resolves.toEqual([bob.uname, carol.uname].sort());
    expect(Date.now() - killedAt).toBeLessThanOrEqual(BOUND_MS);

    const { data: after } = await legacyOn(survivor.url, app);
    expect(Object.keys(after.room.users)).toEqual([dave.uname]);
    await expect(survivor.gql(ONLINE, { id: bob.id }, app.headers)).resolves.toEqual({ data: { user: { online: false } } });
    await expect(survivor.gql(ONLINE, { id: dave.id }, app.headers)).resolves.toEqual({ data: { user: { online: true } } });
    // Not dave: a later arrival here is the next presence event, with no user_left before it.
    const newcomer = await survivor.factories.user(app);
    await legacyOn(survivor.url, app, newcomer);
    await expect(watcher.next('user_joined')).resolves.toMatchObject({ uname: newcomer.uname });
    expect(watcher.unread('user_left')).toBe(0);
  }, 60_000);

  it('takes a cleanly stopped instance\'s users out at once, without waiting to reap it', async () => {
    const stopping = await startOther();
    const app = await survivor.factories.app();
    const erin = await survivor.factories.user(app);
    const { socket: watcher } = await legacyOn(survivor.url, app);
    await graphqlWsOn(stopping.url, erin);
    await expect(watcher.next('user_joined')).resolves.toMatchObject({ uname: erin.uname });

    const stoppedAt = Date.now();
    await stopping.stop();
    await expect(watcher.next('user_left', SURVIVOR_PRESENCE.deadAfterMs)).resolves.toMatchObject({ uname: erin.uname });
    // Reaping it could not come sooner than deadAfterMs minus its heartbeat period (3 s).
    expect(Date.now() - stoppedAt).toBeLessThan(SURVIVOR_PRESENCE.deadAfterMs - PRESENCE_TIMING.heartbeatMs - 1_000);
    // Announced once: a later arrival is the next presence event, with no second user_left before it.
    const newcomer = await survivor.factories.user(app);
    await legacyOn(survivor.url, app, newcomer);
    await expect(watcher.next('user_joined')).resolves.toMatchObject({ uname: newcomer.uname });
    expect(watcher.unread('user_left')).toBe(0);
  }, 60_000);
});
