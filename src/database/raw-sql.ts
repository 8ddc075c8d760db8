import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MetricsService } from '../metrics/metrics.service.js';
import type { Tx } from './transaction.js';

interface MysqlConnection {
  query<R>(options: { sql: string; values: unknown[] }, done: (error: MysqlError | null, result: R) => void): void;
  release(): void;
  destroy(): void;
}

interface MysqlPool {
  getConnection(done: (error: Error | null, connection: MysqlConnection) => void): void;
}

type MysqlError = Error & { errno?: number; fatal?: boolean };

/**
 * Errors of a server that became read-only (a failed-over primary): its connection is closed
 * rather than given back, as mysql2's own pool.query does, so no later statement lands on it.
 * ER_OPTION_PREVENTS_STATEMENT, ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION, ER_READ_ONLY_MODE.
 */
const READ_ONLY_ERRNOS = new Set([1290, 1792, 1836]);

/**
 * Whether a connection must not go back to the pool after this error: a fatal one (the
 * connection is lost; mysql2 calls the statement back before the pool drops it, so giving it
 * back would hand a dead connection to the next waiting statement) or a read-only refusal.
 */
const unusableAfter = (error: MysqlError) => error.fatal === true || (error.errno !== undefined && READ_ONLY_ERRNOS.has(error.errno));

/**
 * The hot paths' way to the database (sends, history pages): one statement, no query builder. TypeORM builds and
 * escapes each query anew (its query building was about a quarter of the server's CPU per sent
 * message) and wraps every call in a promise that captures a stack; on MySQL this goes to the
 * same pool with its callback API instead. SQLite keeps TypeORM's one connection, so a
 * statement here sees and joins exactly what TypeORM's own statements would. Repositories own
 * the SQL, its app predicate comes from tenant-sql.ts; this only runs it, and feeds chat_db_query_seconds.
 */
@Injectable()
export class RawSql implements OnModuleInit {
  private readonly sqlite: boolean;
  /** MySQL's auto_increment_increment (more than 1 on Galera and multi-primary setups); 1 on SQLite. */
  private idStep = 1n;

  constructor(private readonly db: DataSource, private readonly metrics: MetricsService) {
    this.sqlite = db.options.type === 'better-sqlite3';
  }

  async onModuleInit() {
    if (this.sqlite) return;
    const [row] = await this.select<{ step: unknown }>('SELECT @@auto_increment_increment AS step', []);
    this.idStep = BigInt(String(row?.step ?? 1));
  }

  /**
   * Runs an INSERT of rows that all get a generated id, and returns each row's id in order. One
   * multi-row INSERT takes ids one step apart: MySQL/MariaDB for a statement whose row count is
   * known (auto_increment_increment apart, read at start), SQLite consecutive from the last.
   */
  async insert(sql: string, params: readonly unknown[], rows: number, tx?: Tx): Promise<bigint[]> {
    if (tx && !this.sqlite) {
      // Inside a transaction (webhook deliveries written with the change or cursor advance that caused them): on its connection, through TypeORM.
      const { insertId } = (await tx.query(sql, params as unknown[])) as { insertId: number | string };
      return Array.from({ length: rows }, (_, i) => BigInt(insertId) + BigInt(i) * this.idStep);
    }
    if (this.sqlite) {
      // SQLite has one connection: a transaction TypeORM opened on it is the one this statement joins.
      // Timed by TypeORM's query events like every other statement (QueryTimerSubscriber).
      const lastId = BigInt(await (tx ?? this.db.manager).query(sql, params.map(sqliteValue)));
      return Array.from({ length: rows }, (_, i) => lastId - BigInt(rows - 1 - i));
    }
    const { insertId } = await this.mysql<{ insertId: number | string }>(sql, params);
    return Array.from({ length: rows }, (_, i) => BigInt(insertId) + BigInt(i) * this.idStep);
  }

  /** Runs a SELECT; its rows as the driver gives them (column aliases as keys). */
  async select<R extends object = Record<string, unknown>>(sql: string, params: readonly unknown[]): Promise<R[]> {
    if (this.sqlite) return this.db.query(sql, params.map(sqliteValue));
    return this.mysql<R[]>(sql, params);
  }

  /**
   * One statement on a pooled connection, timed into chat_db_query_seconds (TypeORM's statements
   * are timed by QueryTimerSubscriber). It takes the connection itself rather than calling
   * pool.query, measured: with pool.query (which wraps each statement's callback in closures of
   * its own), each query's result rows outlived the young-generation collections until a full
   * one. About 40 KiB of each history page reached the old space, and in back-to-back runs of the
   * history bench the mean young-generation pause went from 3.5-6.0 ms to 2.5-3.6 ms without it.
   * What pool.query also does is kept: a connection that errored unusably is destroyed, not
   * given back, and a statement that cannot even be sent gives its connection back.
   */
  private mysql<R>(sql: string, params: readonly unknown[]): Promise<R> {
    const pool = (this.db.driver as unknown as { pool: MysqlPool }).pool;
    const started = performance.now();
    const observe = () => this.metrics.dbQuery.observe((performance.now() - started) / 1000);
    return new Promise<R>((resolve, reject) => {
      pool.getConnection((connectError, connection) => {
        if (connectError) { observe(); return reject(connectError); }
        try {
          connection.query<R>({ sql, values: params as unknown[] }, (error, value) => {
            if (error && unusableAfter(error)) connection.destroy();
            else connection.release();
            observe();
            if (error) reject(error);
            else resolve(value);
          });
        } catch (error) { // formatting the statement threw before anything was sent
          connection.release();
          observe();
          reject(error);
        }
      });
    });
  }
}

/** better-sqlite3 binds no Date: datetimes are stored as TypeORM stores them, UTC "YYYY-MM-DD HH:MM:SS.mmm". */
function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace('Z', '');
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}
