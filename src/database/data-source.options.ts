import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createConnection, RowDataPacket } from 'mysql2/promise';
import { DataSource, DataSourceOptions } from 'typeorm';
import { DatabaseConfig } from '../config/app-config.js';
import { isMediumText } from './columns.js';
import { MYSQL_MIGRATIONS } from './migrations/mysql/index.js';
import { SQLITE_MIGRATIONS } from './migrations/sqlite/index.js';

/** The entity classes of the schema (src/schema/entities.ts lists them: this folder imports no feature). */
export type Entities = NonNullable<DataSourceOptions['entities']>;

/** One place that turns DATABASE_URL into TypeORM options; ../ormconfig.ts reuses it for the CLI. */
export function dataSourceOptions(database: DatabaseConfig, entities: Entities, mysqlFlavor: 'mysql' | 'mariadb' = 'mysql'): DataSourceOptions {
  const common = { entities, synchronize: false, migrationsRun: false, logging: false } as const;
  if (database.kind === 'sqlite') {
    const path = database.path;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: path,
      migrations: SQLITE_MIGRATIONS,
      // WAL lets readers run beside the one writer; NORMAL is durable at each checkpoint under WAL.
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.pragma('busy_timeout = 5000');
      },
    };
  }
  return {
    ...common,
    type: mysqlFlavor,
    url: database.url,
    migrations: MYSQL_MIGRATIONS,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    supportBigNumbers: true,
    bigNumberStrings: true,
    extra: { connectionLimit: 32, enableKeepAlive: true },
  };
}

/**
 * The DataSource the app and the CLI use. SQLite only auto-increments an `INTEGER PRIMARY KEY`
 * (a 64-bit rowid), while MySQL needs `BIGINT AUTO_INCREMENT`: the entities say bigint, and on
 * SQLite this DataSource's own metadata names the generated keys integer. Columns declared with
 * MediumTextColumn become MEDIUMTEXT on MySQL (TEXT stops at 64 KB there).
 */
export class ChatDataSource extends DataSource {
  protected override async buildMetadatas(): Promise<void> {
    await super.buildMetadatas();
    if (this.options.type !== 'better-sqlite3') {
      for (const entity of this.entityMetadatas)
        for (const column of entity.columns)
          if (isMediumText(column.target, column.propertyName)) column.type = 'mediumtext';
      return;
    }
    for (const entity of this.entityMetadatas)
      for (const column of entity.primaryColumns)
        if (column.generationStrategy === 'increment') column.type = 'integer';
  }
}

/** Builds (does not connect) the DataSource; asks a MySQL-protocol server whether it is MariaDB first. */
export async function createDataSource(database: DatabaseConfig, entities: Entities): Promise<ChatDataSource> {
  const flavor = database.kind === 'mysql' ? await detectMysqlFlavor(database.url) : 'mysql';
  return new ChatDataSource(dataSourceOptions(database, entities, flavor));
}

/** MariaDB reports column defaults differently, and TypeORM must know which one it talks to. */
async function detectMysqlFlavor(url: string): Promise<'mysql' | 'mariadb'> {
  const connection = await createConnection({ uri: url, connectTimeout: 10_000 });
  try {
    const [rows] = await connection.query<RowDataPacket[]>('SELECT VERSION() AS version');
    return /mariadb/i.test(String(rows[0]?.version)) ? 'mariadb' : 'mysql';
  } finally {
    await connection.end();
  }
}
