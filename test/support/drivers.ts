import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

/** Where a test app keeps its data: a fresh SQLite memory database, or a fresh MySQL database. */
export interface TestDriver {
  name: 'sqlite' | 'mysql';
  /** A DATABASE_URL for a brand-new, empty database, and how to drop it. */
  provision(): Promise<{ url: string; drop(): Promise<void> }>;
  toString(): string;
}

const MYSQL_SERVER = process.env.CHAT_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const wanted = (process.env.CHAT_TEST_DRIVERS ?? 'sqlite,mysql').split(',').map((d) => d.trim());
const mysqlRequired = process.env.CHAT_REQUIRE_MYSQL === '1';

async function mysqlReachable(): Promise<string | null> {
  try {
    const connection = await createConnection({ uri: MYSQL_SERVER, connectTimeout: 3000 });
    await connection.end();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

const mysqlProblem = wanted.includes('mysql') ? await mysqlReachable() : 'not selected by CHAT_TEST_DRIVERS';
if (mysqlProblem && wanted.includes('mysql')) {
  if (mysqlRequired) throw new Error(`CHAT_REQUIRE_MYSQL=1 but MySQL at ${MYSQL_SERVER} is not reachable: ${mysqlProblem}`);
  process.stderr.write(`SKIPPED: MySQL/MariaDB suites, because ${MYSQL_SERVER} is not reachable (${mysqlProblem}). SQLite suites still run.\n`);
}

export const sqliteDriver: TestDriver = {
  name: 'sqlite',
  provision: async () => ({ url: 'sqlite::memory:', drop: async () => undefined }),
  toString: () => 'sqlite',
};

export const mysqlDriver: TestDriver = {
  name: 'mysql',
  async provision() {
    const name = `chat_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = await createConnection({ uri: MYSQL_SERVER });
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    return {
      url: `${MYSQL_SERVER}/${name}`,
      drop: async () => {
        const c = await createConnection({ uri: MYSQL_SERVER });
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await c.end();
      },
    };
  },
  toString: () => 'mysql',
};

/** The drivers this run tests on: SQLite always (unless deselected), MySQL when reachable. */
export function testDrivers(): TestDriver[] {
  const drivers: TestDriver[] = [];
  if (wanted.includes('sqlite')) drivers.push(sqliteDriver);
  if (wanted.includes('mysql') && !mysqlProblem) drivers.push(mysqlDriver);
  return drivers;
}
