import type { Client } from 'graphql-ws';
import { UNAVAILABLE_MESSAGE } from '../../../src/common/errors/unavailable.js';
import { LEGACY_UNAVAILABLE_TEXT } from '../../../src/legacy/legacy-protocol.js';
import { startApp, startAppVia, TestApp } from '../../support/app.js';
import { eventually, GqlResult } from '../../support/clients.js';
import { mysqlDriver, testDrivers } from '../../support/drivers.js';
import { BULK_SENDING, TestAppTenant, TestUser } from '../../support/factories.js';
import { authedSocket, LegacyClient } from '../../support/legacy.js';
import { OutageProxy, startOutageProxy } from '../../support/outage-proxy.js';
import { REDIS_URL, redisReady } from '../../support/redis.js';
import { connected, gqlWsClient, liveQueue } from '../../support/ws.js';

const SEND = `mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: { text: $t }) { id text } }`;

/**
 * A server whose database or Redis is reached through a proxy the test cuts: while it is cut,
 * a send over HTTP, over graphql-ws and over the legacy socket is answered UNAVAILABLE (retry
 * later), /ready says 503; once it is restored, the same sends go through again.
 */
function outageSuite(start: (proxy: OutageProxy) => Promise<TestApp>, target: () => { host: string; port: number }) {
  let proxy: OutageProxy;
  let t: TestApp;
  let app: TestAppTenant;
  let alice: TestUser;
  let ws: Client;
  let legacy: LegacyClient;
  beforeAll(async () => {
    proxy = await startOutageProxy(target());
    t = await start(proxy);
    app = await t.factories.app(undefined, BULK_SENDING);
    alice = await t.factories.user(app);
    ws = gqlWsClient(t.url, { authorization: `Bearer ${alice.token}` });
    await connected(ws);
    legacy = (await authedSocket(t.url, app.id, alice.hashedToken)).socket;
  });
  afterAll(async () => {
    legacy?.close();
    await ws?.dispose();
    await proxy?.restore().catch(() => undefined);
    await t?.close();
    await proxy?.close();
  });

  const overHttp = (text: string) => t.gql(SEND, { r: app.lobbyId, t: text }, alice.headers);
  const overWs = (text: string): Promise<GqlResult> => {
    const queue = liveQueue<GqlResult>(ws, SEND, { r: app.lobbyId, t: text });
    return queue.next(20_000).finally(() => queue.stop());
  };
  const overLegacy = (text: string) => legacy.request('new_message', text);
  const ready = async () => (await fetch(`${t.url}/ready`)).status;
  const unavailable = { data: null, errors: [expect.objectContaining({ message: UNAVAILABLE_MESSAGE, extensions: { code: 'UNAVAILABLE' } })] };

  it('answers UNAVAILABLE on every transport while it is cut, and serves again once it is back', async () => {
    await expect(overHttp('before')).resolves.toMatchObject({ data: { sendMessage: { text: 'before' } } });
    await expect(ready()).resolves.toBe(200);

    await proxy.cut();
    await expect(overHttp('during, http')).resolves.toEqual(unavailable);
    await expect(overWs('during, ws')).resolves.toEqual(unavailable);
    await expect(overLegacy('during, legacy')).resolves.toEqual(['UNAVAILABLE']);
    await expect(legacy.next('system_message')).resolves.toBe(LEGACY_UNAVAILABLE_TEXT);
    await expect(ready()).resolves.toBe(503);

    await proxy.restore();
    // The clients reconnect on their own (pool, ioredis backoff): ask until they have.
    const back = await eventually(() => overHttp('after, http'), (r) => !r.errors, 20_000);
    expect(back).toMatchObject({ data: { sendMessage: { text: 'after, http' } } });
    await expect(overWs('after, ws')).resolves.toMatchObject({ data: { sendMessage: { text: 'after, ws' } } });
    await expect(overLegacy('after, legacy')).resolves.toEqual([]);
    await expect(eventually(ready, (status) => status === 200, 10_000)).resolves.toBe(200);
  });
}

const mysqlTarget = () => {
  const url = new URL(process.env.CHAT_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306');
  return { host: url.hostname, port: Number(url.port || 3306) };
};
const redisTarget = () => {
  const url = new URL(REDIS_URL);
  return { host: url.hostname, port: Number(url.port || 6379) };
};

// SQLite is in the process and cannot be cut: the database outage runs on MySQL/MariaDB.
(testDrivers().includes(mysqlDriver) ? describe : describe.skip)('a MySQL/MariaDB outage', () => {
  outageSuite((proxy) => startAppVia(mysqlDriver, (url) => {
    const routed = new URL(url);
    routed.hostname = '127.0.0.1';
    routed.port = String(proxy.port);
    return routed.toString();
  }), mysqlTarget);
});

// Redis is the same on either driver: its outage runs on the first one (SQLite unless deselected).
const withRedis = await redisReady('the Redis outage suite');
(withRedis ? describe.each(testDrivers().slice(0, 1)) : describe.skip.each(testDrivers().slice(0, 1)))('a Redis outage on %s', (driver) => {
  outageSuite((proxy) => startApp(driver, { REDIS_URL: `redis://127.0.0.1:${proxy.port}` }), redisTarget);
});
