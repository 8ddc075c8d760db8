import { Redis } from 'ioredis';
import { startCluster, TestApp } from './app.js';
import { mysqlDriver, testDrivers } from './drivers.js';

export const REDIS_URL = process.env.CHAT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether Redis answers; suites that need it print why they skip when it does not. */
export async function redisReachable(): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * Whether a suite that needs Redis runs here. When it cannot, one loud line says why; with
 * CHAT_REQUIRE_MYSQL=1 (CI, where MySQL/MariaDB and Redis are started) it fails the run instead.
 */
export async function redisReady(suite: string): Promise<boolean> {
  if (await redisReachable()) return true;
  if (process.env.CHAT_REQUIRE_MYSQL === '1') throw new Error(`CHAT_REQUIRE_MYSQL=1 but Redis at ${REDIS_URL} is not reachable (${suite})`);
  process.stderr.write(`SKIPPED: ${suite}, because Redis at ${REDIS_URL} is not reachable.\n`);
  return false;
}

/** Whether a suite of several instances (MySQL/MariaDB + Redis) runs here; says why not, like redisReady. */
export async function clusterReady(suite: string): Promise<boolean> {
  if (!(await redisReady(suite))) return false;
  if (testDrivers().includes(mysqlDriver)) return true;
  process.stderr.write(`SKIPPED: ${suite}, because MySQL/MariaDB is not selected or reachable.\n`);
  return false;
}

export interface TwoInstances {
  readonly a: TestApp;
  readonly b: TestApp;
}

/**
 * describe() over two instances of the app on one fresh MySQL/MariaDB database, linked by Redis,
 * started before the tests and closed after; skipped, saying why, where clusterReady says no.
 * Read `cluster.a` / `cluster.b` inside hooks and tests (they are set once beforeAll ran).
 */
export async function describeTwoInstances(suite: string, title: string, body: (cluster: TwoInstances) => void): Promise<void> {
  const ready = await clusterReady(suite);
  (ready ? describe : describe.skip)(title, () => {
    let apps: TestApp[] = [];
    beforeAll(async () => { apps = await startCluster(mysqlDriver, 2, { REDIS_URL }); });
    // In start order: the last instance started is the one whose close drops the database.
    afterAll(async () => { for (const app of apps) await app.close(); });
    body({ get a() { return apps[0]; }, get b() { return apps[1]; } });
  });
}
