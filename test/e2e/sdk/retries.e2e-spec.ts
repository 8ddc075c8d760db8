import { createServer, Server, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChatApiError, ChatClient } from '../../../packages/server-sdk/dist/esm/index.js';
import { startApp, startAppVia, TestApp } from '../../support/app.js';
import { mysqlDriver, sqliteDriver, testDrivers } from '../../support/drivers.js';
import { TestAppTenant, unique } from '../../support/factories.js';
import { OutageProxy, startOutageProxy } from '../../support/outage-proxy.js';

/** Counts the SDK's tries, and runs `onFailure` after a try that got no answer (the network failed). */
function countingFetch(onFailure: (failures: number) => Promise<void> = async () => undefined) {
  const counts = { calls: 0, failures: 0 };
  const wrapped: typeof fetch = async (input, init) => {
    counts.calls++;
    try {
      return await fetch(input, init);
    } catch (error) {
      counts.failures++;
      await onFailure(counts.failures);
      throw error;
    }
  };
  return { counts, fetch: wrapped };
}

const FAST = { attempts: 4, baseDelayMs: 20, maxDelayMs: 100 };

describe('server SDK retries on a flaky network (sqlite)', () => {
  let t: TestApp;
  let tenant: TestAppTenant;
  let proxy: OutageProxy;
  beforeAll(async () => {
    t = await startApp(sqliteDriver);
    tenant = await t.factories.app();
    proxy = await startOutageProxy({ host: '127.0.0.1', port: t.server.port });
  });
  afterAll(async () => {
    await proxy.close();
    await t.close();
  });

  const viaProxy = (fetchImpl: typeof fetch, retry: object = FAST) =>
    new ChatClient({ url: `http://127.0.0.1:${proxy.port}`, appId: tenant.id, appSecret: tenant.secret, retry, fetch: fetchImpl });

  it('a query is retried after ECONNREFUSED and succeeds once the server is back', async () => {
    await proxy.cut();
    const probe = countingFetch(async (failures) => { if (failures === 2) await proxy.restore(); });
    await expect(viaProxy(probe.fetch).settings.app()).resolves.toMatchObject({ id: tenant.id });
    expect(probe.counts).toEqual({ calls: 3, failures: 2 });
  });

  it('an idempotent mutation is retried after a network error', async () => {
    const user = await new ChatClient({ url: t.url, appId: tenant.id, appSecret: tenant.secret }).users.create({ uname: unique('r') });
    await proxy.cut();
    const probe = countingFetch(async () => proxy.restore());
    await expect(viaProxy(probe.fetch).users.updateMeta(user.id, { set: { retried: true } })).resolves.toMatchObject({ meta: { retried: true } });
    expect(probe.counts.calls).toBe(2);
  });

  it('gives up after the configured tries with UNAVAILABLE, status 0 and the network error as cause', async () => {
    await proxy.cut();
    const probe = countingFetch();
    const error = await viaProxy(probe.fetch, { attempts: 3, baseDelayMs: 10 }).users.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatApiError);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', status: 0, attempts: 3, message: expect.stringContaining('ECONNREFUSED') });
    expect((error as Error).cause).toBeDefined();
    expect(probe.counts.calls).toBe(3);
    await proxy.restore();
  });

  it('never retries a call that is not idempotent (createUser, a SYSTEM message, banUser)', async () => {
    await proxy.cut();
    const probe = countingFetch();
    const chat = viaProxy(probe.fetch);
    await expect(chat.users.create({ uname: unique('once') })).rejects.toMatchObject({ code: 'UNAVAILABLE', attempts: 1 });
    await expect(chat.messages.send(tenant.lobbyId, { text: 'system' })).rejects.toMatchObject({ code: 'UNAVAILABLE', attempts: 1 });
    await expect(chat.moderation.ban(tenant.lobbyId, '1')).rejects.toMatchObject({ code: 'UNAVAILABLE', attempts: 1 });
    expect(probe.counts.calls).toBe(3);
    await proxy.restore();
  });

  it('a message sent as a user whose answer was lost is retried with its clientMsgId and stored once', async () => {
    const direct = new ChatClient({ url: t.url, appId: tenant.id, appSecret: tenant.secret });
    const bot = await direct.users.create({ uname: unique('bot'), isBot: true });
    // The first try reaches the server and is stored, but its answer is lost on the way back.
    let tries = 0;
    const losing: typeof fetch = async (input, init) => {
      const answer = await fetch(input, init);
      if (++tries > 1) return answer;
      await answer.text();
      throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
    };
    const sent = await viaProxy(losing).messages.send(tenant.lobbyId, { text: 'exactly once', asUserId: bot.id });
    const history = await direct.messages.list(tenant.lobbyId, { limit: 100 });
    expect(tries).toBe(2);
    expect(history.nodes.filter((m) => m.text === 'exactly once').map((m) => m.id)).toEqual([sent.id]);
  });

  it('502/503/504 answers are retried; a timeout is a network error', async () => {
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => (++calls < 3 ? new Response('Bad gateway', { status: calls === 1 ? 502 : 503 }) : fetch(input, init));
    await expect(viaProxy(flaky).users.list({ size: 1 })).resolves.toMatchObject({ total: expect.any(Number) });
    expect(calls).toBe(3);

    const gateway: typeof fetch = async () => new Response('<html>down</html>', { status: 504 });
    await expect(viaProxy(gateway, { attempts: 2, baseDelayMs: 5 }).users.list()).rejects.toMatchObject({ code: 'UNAVAILABLE', status: 504, attempts: 2 });
    await expect(viaProxy(gateway).users.create({ uname: unique('x') })).rejects.toMatchObject({ code: 'UNAVAILABLE', attempts: 1 });

    // A server that accepts and never answers.
    const held = new Set<Socket>();
    const silent: Server = createServer((socket) => { held.add(socket); socket.on('error', () => undefined); });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as { port: number }).port;
      const slow = new ChatClient({ url: `http://127.0.0.1:${port}`, appId: tenant.id, appSecret: tenant.secret, timeoutMs: 150, retry: { attempts: 2, baseDelayMs: 5 } });
      await expect(slow.users.list()).rejects.toMatchObject({ code: 'UNAVAILABLE', status: 0, attempts: 2, message: expect.stringContaining('timed out') });
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

/** The server answers UNAVAILABLE while its database is cut (test/support/outage-proxy.ts): the SDK retries what it may. */
(testDrivers().includes(mysqlDriver) ? describe : describe.skip)('server SDK retries UNAVAILABLE answers (a MySQL outage)', () => {
  let db: OutageProxy;
  let t: TestApp;
  let tenant: TestAppTenant;
  beforeAll(async () => {
    const server = new URL(process.env.CHAT_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306');
    db = await startOutageProxy({ host: server.hostname, port: Number(server.port || 3306) });
    t = await startAppVia(mysqlDriver, (url) => {
      const routed = new URL(url);
      routed.hostname = '127.0.0.1';
      routed.port = String(db.port);
      return routed.toString();
    });
    tenant = await t.factories.app();
  });
  afterAll(async () => {
    await db.restore().catch(() => undefined);
    await t.close();
    await db.close();
  });

  /** Restores the database after the first UNAVAILABLE answer; counts the tries. */
  function restoringFetch() {
    const counts = { calls: 0, unavailable: 0 };
    const wrapped: typeof fetch = async (input, init) => {
      counts.calls++;
      const answer = await fetch(input, init);
      const body = await answer.clone().text();
      if (body.includes('"UNAVAILABLE"') && ++counts.unavailable === 1) await db.restore();
      return answer;
    };
    return { counts, fetch: wrapped };
  }

  it('a query answered UNAVAILABLE is tried again and succeeds once the database is back; createUser is not', async () => {
    const chat = (fetchImpl: typeof fetch) => new ChatClient({ url: t.url, appId: tenant.id, appSecret: tenant.secret, retry: FAST, fetch: fetchImpl });
    await db.cut();
    const probe = restoringFetch();
    await expect(chat(probe.fetch).users.list()).resolves.toMatchObject({ total: 0 });
    expect(probe.counts).toEqual({ calls: 2, unavailable: 1 });

    await db.cut();
    const once = restoringFetch();
    await expect(chat(once.fetch).users.create({ uname: unique('once') })).rejects.toMatchObject({ code: 'UNAVAILABLE', status: 200, attempts: 1 });
    expect(once.counts.calls).toBe(1);
  });
});
