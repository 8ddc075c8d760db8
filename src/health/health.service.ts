import { Injectable } from '@nestjs/common';
import { RawSql } from '../database/raw-sql.js';
import { RedisConnections } from '../realtime/redis-connections.js';

const TIMEOUT_MS = 2000;

@Injectable()
export class HealthService {
  constructor(private readonly sql: RawSql, private readonly redis: RedisConnections) {}

  async check(): Promise<Record<string, string>> {
    const checks: Record<string, string> = { database: await probe(() => this.sql.select('SELECT 1', [])) };
    if (this.redis.enabled) checks.redis = await probe(() => this.redis.command().ping());
    return checks;
  }
}

async function probe(run: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([run(), new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timed out')), TIMEOUT_MS); })]);
    return 'ok';
  } catch (error) {
    return `failed: ${(error as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}
