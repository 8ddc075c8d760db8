import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MetricsService } from '../health/metrics.service.js';

/** What an INSERT reports: the id generated for its first row, and how many rows it stored. */
export interface InsertResult {
  firstId: bigint;
  rows: number;
}

interface MysqlPool {
  query<R>(options: { sql: string; values: unknown[] }, done: (error: Error | null, result: R) => void): void;
}

/**
 * The hot paths' way to the database (sends, history pages): one statement, no query builder. TypeORM builds and
 * escapes each query anew (its query building was about a quarter of the server's CPU per sent
 * message) and wraps every call in a promise that captures a stack; on MySQL this goes to the
 * same pool with its callback API instead. SQLite keeps TypeORM's one connection, so a
 * statement here sees and joins exactly what TypeORM's own statements would. Repositories own
 * the SQL and the app predicate; this only runs it, and feeds chat_db_query_seconds.
 */
@Injectable()
export class RawSql {
  private readonly sqlite: boolean;

  constructor(private readonly db: DataSource, private readonly metrics: MetricsService) {
    this.sqlite = db.options.type === 'better-sqlite3';
  }

  /**
   * Runs an INSERT of rows that all get a generated id. A multi-row INSERT takes consecutive
   * ids (MySQL/MariaDB for a statement whose row count is known, with auto_increment_increment
   * 1, as TypeORM itself assumes; SQLite always), so ids are firstId, firstId + 1, ….
   */
  async insert(sql: string, params: readonly unknown[], rows: number): Promise<InsertResult> {
    if (this.sqlite) {
      // Timed by TypeORM's query events like every other statement (QueryTimerSubscriber).
      const lastId = await this.db.query(sql, params.map(sqliteValue));
      return { firstId: BigInt(lastId) - BigInt(rows - 1), rows };
    }
    const started = performance.now();
    try {
      const result = await this.mysql<{ insertId: number | string; affectedRows: number }>(sql, params);
      if (result.affectedRows !== rows) throw new Error(`an INSERT of ${rows} rows stored ${result.affectedRows}`);
      return { firstId: BigInt(result.insertId), rows };
    } finally {
      this.metrics.dbQuery.observe((performance.now() - started) / 1000);
    }
  }

  /** Runs a SELECT; its rows as the driver gives them (column aliases as keys). */
  async select<R extends object = Record<string, unknown>>(sql: string, params: readonly unknown[]): Promise<R[]> {
    if (this.sqlite) return this.db.query(sql, params.map(sqliteValue));
    const started = performance.now();
    try {
      return await this.mysql<R[]>(sql, params);
    } finally {
      this.metrics.dbQuery.observe((performance.now() - started) / 1000);
    }
  }

  private mysql<R>(sql: string, params: readonly unknown[]): Promise<R> {
    const pool = (this.db.driver as unknown as { pool: MysqlPool }).pool;
    return new Promise<R>((resolve, reject) => {
      pool.query<R>({ sql, values: params as unknown[] }, (error, value) => (error ? reject(error) : resolve(value)));
    });
  }
}

/** better-sqlite3 binds no Date: datetimes are stored as TypeORM stores them, UTC "YYYY-MM-DD HH:MM:SS.mmm". */
function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace('Z', '');
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}
