import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { MetricsService } from '../metrics/metrics.service.js';
import { RawSql } from './raw-sql.js';

type Done = (error: unknown, result?: unknown) => void;

/**
 * A mysql2-shaped pool whose one connection answers each statement as `answer` says, later (as
 * mysql2 does), or throws while formatting it. The MySQL spec (test/repositories/raw-sql.spec.ts)
 * runs the same paths on a real server where one can be provoked there.
 */
function fakePool(answer: { error?: unknown; rows?: unknown; throws?: Error; connectError?: Error }) {
  const connection = {
    query: jest.fn((_options: unknown, done: Done) => {
      if (answer.throws) throw answer.throws;
      setImmediate(() => done(answer.error ?? null, answer.rows));
    }),
    release: jest.fn(),
    destroy: jest.fn(),
  };
  const pool = {
    getConnection: jest.fn((done: Done) => setImmediate(() => (answer.connectError ? done(answer.connectError) : done(null, connection)))),
  };
  return { pool, connection };
}

function rawSqlOn(pool: unknown) {
  const metrics = new MetricsService();
  const raw = new RawSql({ options: { type: 'mysql' }, driver: { pool } } as unknown as DataSource, metrics);
  const timedStatements = async () => (await metrics.dbQuery.get()).values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
  return { raw, timedStatements };
}

const mysqlError = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);

describe('RawSql on a mysql2 pool', () => {
  it('answers the rows and gives the connection back once', async () => {
    const { pool, connection } = fakePool({ rows: [{ id: 1 }] });
    const { raw, timedStatements } = rawSqlOn(pool);
    await expect(raw.select('SELECT id FROM apps WHERE id = ?', [1])).resolves.toEqual([{ id: 1 }]);
    expect(connection.query).toHaveBeenCalledWith({ sql: 'SELECT id FROM apps WHERE id = ?', values: [1] }, expect.any(Function));
    expect(connection.release).toHaveBeenCalledTimes(1);
    expect(connection.destroy).not.toHaveBeenCalled();
    expect(await timedStatements()).toBe(1);
  });

  it('gives the connection back after an ordinary SQL error, and passes the error on unchanged', async () => {
    const error = mysqlError('Unknown column', { errno: 1054, code: 'ER_BAD_FIELD_ERROR' });
    const { pool, connection } = fakePool({ error });
    const { raw, timedStatements } = rawSqlOn(pool);
    await expect(raw.select('SELECT nope FROM apps', [])).rejects.toBe(error);
    expect(connection.release).toHaveBeenCalledTimes(1);
    expect(connection.destroy).not.toHaveBeenCalled();
    expect(await timedStatements()).toBe(1);
  });

  it.each([
    ['a lost connection (fatal)', mysqlError('read ECONNRESET', { code: 'ECONNRESET', fatal: true })],
    ['a read-only refusal', mysqlError('read only transaction', { errno: 1792, code: 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION' })],
    ['a read-only server', mysqlError('--read-only', { errno: 1290, code: 'ER_OPTION_PREVENTS_STATEMENT' })],
  ])('destroys the connection after %s instead of giving it to the next statement', async (_, error) => {
    const { pool, connection } = fakePool({ error });
    const { raw } = rawSqlOn(pool);
    await expect(raw.select('INSERT INTO apps VALUES ()', [])).rejects.toBe(error);
    expect(connection.destroy).toHaveBeenCalledTimes(1);
    expect(connection.release).not.toHaveBeenCalled();
  });

  it('rejects with the pool error when no connection can be had, and still times the attempt', async () => {
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:3306');
    const { pool, connection } = fakePool({ connectError: refused });
    const { raw, timedStatements } = rawSqlOn(pool);
    await expect(raw.select('SELECT 1', [])).rejects.toBe(refused);
    expect(connection.query).not.toHaveBeenCalled();
    expect(await timedStatements()).toBe(1);
  });

  it('rejects, and gives the connection back, when the statement cannot even be formatted', async () => {
    const bad = new TypeError('Cannot convert a Symbol value to a string');
    const { pool, connection } = fakePool({ throws: bad });
    const { raw, timedStatements } = rawSqlOn(pool);
    await expect(raw.select('SELECT ?', [Symbol('x')])).rejects.toBe(bad);
    expect(connection.release).toHaveBeenCalledTimes(1);
    expect(connection.destroy).not.toHaveBeenCalled();
    expect(await timedStatements()).toBe(1);
  });
});
