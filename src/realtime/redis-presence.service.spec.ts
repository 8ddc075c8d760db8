import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { REDIS_URL, redisReady } from '../../test/support/redis.js';
import { PresenceTiming } from '../config/app-config.js';
import { loadConfig } from '../config/load-config.js';
import { scopeOf } from '../database/app-scope.js';
import type { PresenceChange } from './presence.service.js';
import { RedisConnections } from './redis-connections.js';
import { RedisPresenceService } from './redis-presence.service.js';

const log = pino({ level: 'silent' });
const scope = scopeOf('7');
const SLOW: PresenceTiming = { heartbeatMs: 3_600_000, deadAfterMs: 3_600_000, reapEveryMs: 3_600_000 };
const until = async (check: () => Promise<boolean>, timeoutMs = 3000) => {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((r) => setTimeout(r, 25))) if (await check()) return;
  throw new Error('condition not met in time');
};

const ready = await redisReady('Redis presence spec');

/** The presence scripts against a real Redis: instances are services on one namespace of their own. */
(ready ? describe : describe.skip)('RedisPresenceService', () => {
  let config: ReturnType<typeof loadConfig>;
  let admin: Redis;
  const started: { presence: RedisPresenceService; redis: RedisConnections }[] = [];

  beforeEach(() => {
    // The namespace comes from the database identity: a path of its own keeps this test's keys apart.
    config = loadConfig({ REDIS_URL, DATABASE_URL: `sqlite:/nonexistent/presence-${randomBytes(6).toString('hex')}` });
    admin = new Redis(REDIS_URL);
  });
  afterEach(async () => {
    for (const { presence, redis } of started.splice(0)) {
      await presence.beforeApplicationShutdown();
      await redis.onApplicationShutdown();
    }
    const keys = await admin.keys(`${new RedisConnections(config, log).namespace}:*`);
    if (keys.length > 0) await admin.del(...keys);
    admin.disconnect();
  });

  /** One instance, and what its listeners heard. */
  const instance = async (timing: PresenceTiming) => {
    const redis = new RedisConnections(config, log);
    const presence = new RedisPresenceService(redis, timing, log);
    const heard: PresenceChange[] = [];
    presence.onChange((changes) => { heard.push(...changes); });
    await presence.onModuleInit();
    started.push({ presence, redis });
    return { presence, heard, namespace: redis.namespace };
  };
  const idsOf = (changes: PresenceChange[]) => changes.map((c) => `${c.userId}:${c.online ? 'on' : 'off'}`);

  it('sees the first connection and the last disconnection of a user across instances, once', async () => {
    const x = await instance(SLOW);
    const y = await instance(SLOW);
    await expect(x.presence.connect(scope, '1')).resolves.toBe(true);
    await expect(y.presence.connect(scope, '1')).resolves.toBe(false);
    await expect(y.presence.onlineUserIds(scope)).resolves.toEqual(['1']);
    await expect(x.presence.disconnect(scope, '1')).resolves.toBe(false);
    await expect(x.presence.isOnline(scope, '1')).resolves.toBe(true);
    await expect(y.presence.disconnect(scope, '1')).resolves.toBe(true);
    await expect(y.presence.disconnect(scope, '1')).resolves.toBe(false); // nothing left to count
    expect(idsOf(x.heard)).toEqual(['1:on']);
    expect(idsOf(y.heard)).toEqual(['1:off']);
    await expect(x.presence.onlineAmong(scope, ['1', '2'])).resolves.toEqual([]);
    await expect(x.presence.onlineUserIds(scopeOf('8'))).resolves.toEqual([]);
  });

  it('reaps an instance whose heartbeat stopped: its users leave unless connected elsewhere, and its late disconnects count for nothing', async () => {
    const dead = await instance(SLOW);
    await dead.presence.connect(scope, '1');
    await dead.presence.connect(scope, '2');
    const [deadId] = await admin.zrange(`${dead.namespace}:presence:instances`, 0, -1);
    const reaper = await instance({ heartbeatMs: 100, deadAfterMs: 400, reapEveryMs: 50 });
    await reaper.presence.connect(scope, '2');
    await until(async () => reaper.heard.length > 0);
    expect(idsOf(reaper.heard)).toEqual(['1:off']);
    await expect(reaper.presence.onlineUserIds(scope)).resolves.toEqual(['2']);
    await expect(admin.zrange(`${dead.namespace}:presence:instances`, 0, -1)).resolves.not.toContain(deadId);
    // The "dead" one was only stalled: what it closes now must not end the reaper's connection of user 2.
    await expect(dead.presence.disconnect(scope, '2')).resolves.toBe(false);
    await expect(reaper.presence.isOnline(scope, '2')).resolves.toBe(true);
  });

  it('puts its connections back when Redis lost them (restarted, or reaped it while it was alive)', async () => {
    const x = await instance({ heartbeatMs: 50, deadAfterMs: 3_600_000, reapEveryMs: 3_600_000 });
    await x.presence.connect(scope, '1');
    await x.presence.connect(scope, '1');
    await admin.del(...(await admin.keys(`${x.namespace}:presence:*`)));
    await until(async () => (await x.presence.isOnline(scope, '1')) === true);
    expect(idsOf(x.heard)).toEqual(['1:on', '1:on']); // first connection, then back after the loss
    await expect(x.presence.disconnect(scope, '1')).resolves.toBe(false); // both connections were put back
    await expect(x.presence.disconnect(scope, '1')).resolves.toBe(true);
  });

  it('leaves at shutdown at once, announcing its users', async () => {
    const x = await instance(SLOW);
    const y = await instance(SLOW);
    await x.presence.connect(scope, '1');
    await y.presence.connect(scope, '2');
    await x.presence.beforeApplicationShutdown();
    expect(idsOf(x.heard)).toEqual(['1:on', '1:off']);
    await expect(y.presence.onlineUserIds(scope)).resolves.toEqual(['2']);
    await expect(x.presence.connect(scope, '3')).resolves.toBe(false); // stopping: counts nothing more
    await expect(y.presence.isOnline(scope, '3')).resolves.toBe(false);
  });
});
