import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { SAMPLES } from '../../test/support/event-samples.js';
import { REDIS_URL, redisReady } from '../../test/support/redis.js';
import { loadConfig } from '../config/load-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { DomainEvent } from '../realtime/domain-events.js';
import { LocalEventBus } from '../realtime/local-event-bus.js';
import { RedisConnections } from '../realtime/redis-connections.js';
import { RedisEventBus } from '../realtime/redis-event-bus.js';
import { EVENT_CODEC } from './event-table.js';

const until = async (check: () => boolean, timeoutMs = 3000) => {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((r) => setTimeout(r, 10))) if (check()) return;
  throw new Error('condition not met in time');
};

const ready = await redisReady('Redis event bus spec');

/**
 * The bus between two instances over a real Redis, each on the namespace of one test deployment,
 * with the table's codec (as RealtimeModule.forRoot({ codec: EVENT_CODEC }) gives it in the app).
 */
(ready ? describe : describe.skip)('RedisEventBus', () => {
  let config: ReturnType<typeof loadConfig>;
  const started: { bus: RedisEventBus; redis: RedisConnections }[] = [];

  beforeEach(() => {
    config = loadConfig({ REDIS_URL, DATABASE_URL: `sqlite:/nonexistent/bus-${randomBytes(6).toString('hex')}` });
  });
  afterEach(async () => {
    for (const { bus, redis } of started.splice(0)) {
      await bus.onModuleDestroy();
      await redis.onApplicationShutdown();
    }
  });

  /** One instance: its bus, what its listeners heard, and the warnings it logged. */
  const instance = async () => {
    const warnings: Record<string, unknown>[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => { warnings.push(JSON.parse(line)); } });
    const redis = new RedisConnections(config, log);
    const bus = new RedisEventBus(new LocalEventBus(log), redis, EVENT_CODEC, new MetricsService(), log);
    await bus.onModuleInit();
    started.push({ bus, redis });
    const heard: DomainEvent[] = [];
    bus.onEvent((event) => heard.push(event));
    return { bus, heard, warnings, channel: `${redis.namespace}:events` };
  };

  it('delivers every event type on the other instance exactly as published, Dates as Dates, and once on its own', async () => {
    const x = await instance();
    const y = await instance();
    const events = Object.values(SAMPLES);
    for (const event of events) await x.bus.publish(event);
    await until(() => y.heard.length === events.length);
    expect(y.heard).toEqual(events);
    expect((y.heard.find((e) => e.type === 'receipt') as { at: unknown }).at).toBeInstanceOf(Date);
    expect(x.heard).toEqual(events); // local delivery, and its own echo from Redis skipped
    expect(y.warnings).toEqual([]);
  });

  it('drops a malformed message with a warning naming the field, and goes on with the next', async () => {
    const x = await instance();
    const y = await instance();
    const admin = new Redis(REDIS_URL);
    try {
      const badReceipt = { ...JSON.parse(JSON.stringify(SAMPLES.receipt)), at: 'not a date' };
      await admin.publish(y.channel, 'not json');
      await admin.publish(y.channel, JSON.stringify({ at: Date.now(), event: SAMPLES.typing }));
      await admin.publish(y.channel, JSON.stringify({ from: 'elsewhere', at: Date.now(), event: badReceipt }));
      await admin.publish(y.channel, JSON.stringify({ from: 'elsewhere', at: Date.now(), event: { type: 'nope' } }));
    } finally {
      admin.disconnect();
    }
    await x.bus.publish(SAMPLES.typing); // after the bad ones on the same channel: heard means they were handled
    await until(() => y.heard.length > 0);
    expect(y.heard).toEqual([SAMPLES.typing]);
    expect(y.warnings).toEqual([
      expect.objectContaining({ msg: 'malformed event on the Redis bus; dropped', err: expect.objectContaining({ type: 'SyntaxError' }) }),
      expect.objectContaining({ msg: 'malformed event on the Redis bus; dropped', path: 'envelope.from' }),
      expect.objectContaining({ path: 'event.at', expected: 'an ISO 8601 date string', type: 'receipt' }),
      expect.objectContaining({ path: 'event.type', type: 'nope' }),
    ]);
  });

  it('delivers an event it cannot encode on its own instance only, and says so', async () => {
    const x = await instance();
    const y = await instance();
    const broken = { ...SAMPLES.receipt, at: new Date('invalid') };
    await expect(x.bus.publish(broken)).resolves.toBeUndefined();
    expect(x.heard).toEqual([broken]);
    expect(x.warnings).toEqual([expect.objectContaining({ level: 50, event: 'receipt' })]);
    await x.bus.publish(SAMPLES.typing);
    await until(() => y.heard.length > 0);
    expect(y.heard).toEqual([SAMPLES.typing]);
  });
});
