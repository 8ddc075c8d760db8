import { createHash } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AppConfig } from '../config/app-config.js';
import { LOGGER } from '../common/logging/logging.module.js';

/** The Redis connections of this instance, opened lazily when REDIS_URL is set. */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  private readonly opened: Redis[] = [];
  private commandClient?: Redis;

  constructor(private readonly config: AppConfig, @Inject(LOGGER) private readonly log: Logger) {}

  /**
   * Prefix of every Redis key and channel: instances of one deployment share one database, so
   * its identity (driver, host, port, name; never credentials) keeps deployments that share a
   * Redis apart (pub/sub ignores Redis database numbers).
   */
  get namespace(): string {
    return (this.cachedNamespace ??= this.computeNamespace());
  }

  private cachedNamespace?: string;

  private computeNamespace(): string {
    const db = this.config.database;
    let identity = `sqlite:${db.kind === 'sqlite' ? db.path : ''}`;
    if (db.kind === 'mysql') {
      const url = new URL(db.url);
      identity = `mysql:${url.hostname}:${url.port || '3306'}${url.pathname}`;
    }
    return `chat:${createHash('sha256').update(identity).digest('hex').slice(0, 12)}`;
  }

  get enabled(): boolean {
    return this.config.redisUrl !== null;
  }

  /** The shared client for ordinary commands. */
  command(): Redis {
    this.commandClient ??= this.open('command');
    return this.commandClient;
  }

  /** A new connection (subscribers need their own). */
  open(name: string): Redis {
    if (!this.config.redisUrl) throw new Error('REDIS_URL is not set');
    const client = new Redis(this.config.redisUrl, { connectionName: `chat-${name}`, maxRetriesPerRequest: 2, enableOfflineQueue: true });
    client.on('error', (error) => this.log.warn({ err: error, connection: name }, 'redis connection error'));
    this.opened.push(client);
    return client;
  }

  async onApplicationShutdown() {
    await Promise.allSettled(this.opened.map((c) => c.quit()));
  }
}
