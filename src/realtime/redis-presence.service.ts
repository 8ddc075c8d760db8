import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { PresenceTiming } from '../config/app-config.js';
import { AppScope, scopeOf } from '../database/app-scope.js';
import { PresenceChange, PresenceService } from './presence.service.js';
import { RedisConnections } from './redis-connections.js';

/*
 * Keys, under the deployment's namespace (`chat:<hash>:presence:`):
 *   instances            ZSET  instance id -> time of its last heartbeat (Redis clock, ms)
 *   instance:<id>        HASH  "<appId>:<userId>" -> live connections of that user on that instance
 *   app:<appId>          HASH  userId -> live connections of that user on all instances
 * Each script changes them together, atomically, so exactly one instance sees a user's first
 * connection, last disconnection or disappearance with a dead instance. The scripts derive key
 * names from their arguments: one Redis server (or a primary with replicas), not Redis Cluster.
 */

/** The Redis clock in ms (instances' clocks may disagree; Redis has one). */
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

const SCRIPTS = {
  /** KEYS: instance hash, app hash. ARGV: field, userId. Returns the user's connections everywhere. */
  chatPresenceConnect: {
    numberOfKeys: 2,
    lua: `redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
return redis.call('HINCRBY', KEYS[2], ARGV[2], 1)`,
  },
  /**
   * Same keys. Returns the user's remaining connections everywhere (0: that was the last), or -1
   * when this instance no longer held the connection (it was taken for dead and reaped meanwhile).
   */
  chatPresenceDisconnect: {
    numberOfKeys: 2,
    lua: `local mine = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if mine <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
if mine < 0 then return -1 end
local left = redis.call('HINCRBY', KEYS[2], ARGV[2], -1)
if left <= 0 then
  redis.call('HDEL', KEYS[2], ARGV[2])
  return 0
end
return left`,
  },
  /** KEYS: instances. ARGV: instance id. Returns 1 when the instance was not registered (new, or reaped). */
  chatPresenceHeartbeat: {
    numberOfKeys: 1,
    lua: `${NOW}
return redis.call('ZADD', KEYS[1], string.format('%.0f', now), ARGV[1])`,
  },
  /**
   * KEYS: instances. ARGV: key prefix, then "dead" and the age in ms after which an instance is
   * dead, or "leave" and one instance id. Removes those instances and their connections; returns
   * the "<appId>:<userId>" that have no connection left anywhere.
   */
  chatPresenceReap: {
    numberOfKeys: 1,
    lua: `local prefix = ARGV[1]
local ids
if ARGV[2] == 'leave' then
  ids = { ARGV[3] }
else
  ${NOW.replace('\n', '\n  ')}
  ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - tonumber(ARGV[3])))
end
local gone = {}
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  local key = prefix .. 'instance:' .. id
  local entries = redis.call('HGETALL', key)
  for i = 1, #entries, 2 do
    local field, count = entries[i], tonumber(entries[i + 1])
    local sep = string.find(field, ':', 1, true)
    if sep and count > 0 then
      local app = prefix .. 'app:' .. string.sub(field, 1, sep - 1)
      local user = string.sub(field, sep + 1)
      if redis.call('HINCRBY', app, user, -count) <= 0 then
        redis.call('HDEL', app, user)
        table.insert(gone, field)
      end
    end
  end
  redis.call('DEL', key)
end
return gone`,
  },
  /**
   * KEYS: this instance's hash. ARGV: key prefix, then field/count pairs: what this instance
   * really holds. Puts it back after the instance was reaped while alive (a stalled process, a
   * Redis restart); returns the "<appId>:<userId>" that are online again because of it.
   */
  chatPresenceRestore: {
    numberOfKeys: 1,
    lua: `local back = {}
for i = 2, #ARGV, 2 do
  local field, count = ARGV[i], tonumber(ARGV[i + 1])
  local before = tonumber(redis.call('HGET', KEYS[1], field) or '0')
  redis.call('HSET', KEYS[1], field, count)
  local sep = string.find(field, ':', 1, true)
  local app = ARGV[1] .. 'app:' .. string.sub(field, 1, sep - 1)
  local user = string.sub(field, sep + 1)
  if count > before and redis.call('HINCRBY', app, user, count - before) == count - before then
    table.insert(back, field)
  end
end
return back`,
  },
} as const;

type PresenceCommands = {
  chatPresenceConnect(instanceKey: string, appKey: string, field: string, userId: string): Promise<number>;
  chatPresenceDisconnect(instanceKey: string, appKey: string, field: string, userId: string): Promise<number>;
  chatPresenceHeartbeat(instancesKey: string, instanceId: string): Promise<number>;
  chatPresenceReap(instancesKey: string, prefix: string, mode: 'dead' | 'leave', arg: string): Promise<string[]>;
  chatPresenceRestore(instanceKey: string, prefix: string, ...fieldsAndCounts: string[]): Promise<string[]>;
};

const fieldOf = (appId: string, userId: string) => `${appId}:${userId}`;

/**
 * Presence shared by every instance through Redis. Each instance keeps its own connections in a
 * hash and renews a heartbeat every `heartbeatMs`; every instance, every `reapEveryMs`, removes
 * the instances whose heartbeat is older than `deadAfterMs` (killed, frozen, cut off) together
 * with their connections, and reports the users left with none as offline, so a SIGKILLed
 * instance's users leave within deadAfterMs + reapEveryMs. A clean shutdown removes its own
 * connections at once. This instance also keeps its counts in memory: if it was taken for dead
 * while alive, its next heartbeat puts them back.
 */
export class RedisPresenceService extends PresenceService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly instanceId = randomUUID();
  private readonly prefix: string;
  private readonly instancesKey: string;
  private readonly instanceKey: string;
  /** This instance's live connections per "<appId>:<userId>": what it would restore. */
  private readonly mine = new Map<string, number>();
  private readonly timers: NodeJS.Timeout[] = [];
  private stopping = false;
  /** The upkeep running now (heartbeat, reap): a task never overlaps itself, and shutdown waits for them. */
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly redis: RedisConnections, private readonly timing: PresenceTiming, log: Logger) {
    super(log);
    this.prefix = `${redis.namespace}:presence:`;
    this.instancesKey = `${this.prefix}instances`;
    this.instanceKey = `${this.prefix}instance:${this.instanceId}`;
  }

  private get client(): Redis & PresenceCommands {
    return this.redis.command() as Redis & PresenceCommands;
  }

  async onModuleInit(): Promise<void> {
    const client = this.redis.command();
    for (const [name, definition] of Object.entries(SCRIPTS)) client.defineCommand(name, definition);
    await this.heartbeat();
    this.every('heartbeat', this.timing.heartbeatMs, () => this.heartbeat());
    this.every('reap', this.timing.reapEveryMs, () => this.reap());
  }

  /** Leaves at once rather than waiting to be reaped: this instance's users are gone with it. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await Promise.all(this.running.values());
    this.mine.clear();
    try {
      await this.announceGone(await this.client.chatPresenceReap(this.instancesKey, this.prefix, 'leave', this.instanceId));
    } catch (error) {
      this.log.warn({ err: error }, 'could not leave presence; other instances will reap this one');
    }
  }

  async connect(scope: AppScope, userId: string): Promise<boolean> {
    if (this.stopping) return false;
    const field = fieldOf(scope.appId, userId);
    // Memory and Redis change in one synchronous step, so a restore's snapshot matches the
    // commands before it on the connection.
    this.mine.set(field, (this.mine.get(field) ?? 0) + 1);
    const count = await this.client.chatPresenceConnect(this.instanceKey, this.appKey(scope), field, userId);
    if (count !== 1) return false;
    await this.changed([{ scope, userId, online: true }]);
    return true;
  }

  async disconnect(scope: AppScope, userId: string): Promise<boolean> {
    if (this.stopping) return false;
    const field = fieldOf(scope.appId, userId);
    const held = this.mine.get(field) ?? 0;
    if (held === 0) return false;
    if (held === 1) this.mine.delete(field);
    else this.mine.set(field, held - 1);
    const left = await this.client.chatPresenceDisconnect(this.instanceKey, this.appKey(scope), field, userId);
    if (left !== 0) return false;
    await this.changed([{ scope, userId, online: false }]);
    return true;
  }

  async isOnline(scope: AppScope, userId: string): Promise<boolean> {
    return (await this.client.hexists(this.appKey(scope), userId)) === 1;
  }

  onlineUserIds(scope: AppScope): Promise<string[]> {
    return this.client.hkeys(this.appKey(scope));
  }

  async onlineAmong(scope: AppScope, userIds: readonly string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const counts = await this.client.hmget(this.appKey(scope), ...userIds);
    return userIds.filter((_, i) => counts[i] !== null);
  }

  private appKey(scope: AppScope) {
    return `${this.prefix}app:${scope.appId}`;
  }

  private every(name: string, ms: number, task: () => Promise<void>) {
    const timer = setInterval(() => {
      if (this.stopping || this.running.has(name)) return;
      this.running.set(name, task()
        .catch((error: unknown) => this.log.warn({ err: error, task: name }, 'presence upkeep failed'))
        .finally(() => this.running.delete(name)));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private async heartbeat(): Promise<void> {
    const unregistered = await this.client.chatPresenceHeartbeat(this.instancesKey, this.instanceId);
    if (unregistered === 1 && this.mine.size > 0) {
      this.log.warn({ instance: this.instanceId }, 'this instance was taken for dead; putting its connections back');
      const pairs = [...this.mine].flatMap(([field, count]) => [field, String(count)]);
      await this.announce(await this.client.chatPresenceRestore(this.instanceKey, this.prefix, ...pairs), true);
    }
  }

  private async reap(): Promise<void> {
    await this.announceGone(await this.client.chatPresenceReap(this.instancesKey, this.prefix, 'dead', String(this.timing.deadAfterMs)));
  }

  private announceGone(fields: string[]) {
    return this.announce(fields, false);
  }

  private async announce(fields: string[], online: boolean): Promise<void> {
    const changes: PresenceChange[] = fields.map((field) => {
      const sep = field.indexOf(':');
      // A scope from our own records, which were written from verified scopes only.
      return { scope: scopeOf(field.slice(0, sep)), userId: field.slice(sep + 1), online };
    });
    await this.changed(changes);
  }
}
