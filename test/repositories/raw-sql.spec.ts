import { DataSource } from 'typeorm';
import { RawSql } from '../../src/database/raw-sql.js';
import { MetricsService } from '../../src/metrics/metrics.service.js';
import { migratedDatabase } from '../support/database.js';
import { mysqlDriver, testDrivers } from '../support/drivers.js';
import { waitFor } from '../support/wait.js';

const onMysql = testDrivers().includes(mysqlDriver);
if (!onMysql) process.stderr.write('SKIPPED: RawSql on MySQL, because MySQL/MariaDB is not selected or reachable (SQLite has no pool to test).\n');

// RawSql takes a pooled connection per statement and gives it back; a connection whose server
// turned read-only (a failed-over primary) is closed instead. Statements one after another get the
// same connection because mysql2's pool hands out the one given back last, and nothing else uses
// this pool; the fatal and unformattable cases are in src/database/raw-sql.spec.ts.
(onMysql ? describe : describe.skip)('RawSql on mysql', () => {
  let db: DataSource;
  let close: () => Promise<void>;
  let raw: RawSql;
  let metrics: MetricsService;

  beforeAll(async () => {
    ({ db, close } = await migratedDatabase(mysqlDriver));
    metrics = new MetricsService();
    raw = new RawSql(db, metrics);
    await raw.onModuleInit();
  }, 60_000);
  afterAll(() => close());

  const connectionId = async () => (await raw.select<{ id: string | number }>('SELECT CONNECTION_ID() AS id', []))[0]!.id;
  const insertApp = (name: string) => raw.insert('INSERT INTO apps (name, secret, created_at, updated_at) VALUES (?, ?, ?, ?)', [name, 's', new Date(), new Date()], 1);

  it('gives the connection back after each statement, so one after another share it', async () => {
    const first = await connectionId();
    expect(await connectionId()).toBe(first);
    const [id] = await insertApp('kept');
    expect(typeof id).toBe('bigint');
    expect(await connectionId()).toBe(first);
  });

  it('closes a connection whose statements are refused as read-only, and the next statement runs on another', async () => {
    const before = await connectionId();
    await raw.select('SET SESSION TRANSACTION READ ONLY', []);
    await expect(insertApp('refused')).rejects.toMatchObject({ errno: 1792 }); // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
    expect(await connectionId()).not.toBe(before);
    const [id] = await insertApp('after');
    const rows = await raw.select<{ name: string }>('SELECT name FROM apps WHERE id = ?', [String(id)]);
    expect(rows).toEqual([{ name: 'after' }]);
  });

  it('rejects a statement whose connection the server kills, and the next statement runs on a live one', async () => {
    const sleeper = await connectionId();
    const sleeping = raw.select('SELECT SLEEP(20) AS slept', []);
    const outcome = sleeping.then(() => 'answered', (error: { code?: string }) => error.code ?? 'rejected');
    await waitFor('the SLEEP running on its connection', () => db.query(`SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ? AND INFO LIKE 'SELECT SLEEP%'`, [Number(sleeper)]),
      (rows: { n: number | string }[]) => Number(rows[0].n) === 1);
    await db.query(`KILL CONNECTION ${Number(sleeper)}`); // TypeORM's own statements use other connections of the pool
    expect(await outcome).toMatch(/^(ER_CONNECTION_KILLED|PROTOCOL_CONNECTION_LOST|ECONNRESET)$/);
    const next = await connectionId();
    expect(next).not.toBe(sleeper);
    await expect(raw.select('SELECT 1 AS one', [])).resolves.toEqual([{ one: 1 }]);
  }, 30_000);

  it('rejects a bad statement with the driver error, keeps the connection, and times every statement', async () => {
    const before = await connectionId();
    const timed = async () => {
      const count = (await metrics.dbQuery.get()).values.find((v) => v.metricName?.endsWith('_count'));
      if (!count) throw new Error('no chat_db_query_seconds_count');
      return count.value;
    };
    const count = await timed();
    await expect(raw.select('SELECT nope FROM apps', [])).rejects.toMatchObject({ code: 'ER_BAD_FIELD_ERROR' });
    expect(await connectionId()).toBe(before);
    expect(await timed()).toBe(count + 2);
  });
});
