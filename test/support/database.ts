import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/load-config.js';
import { createDataSource } from '../../src/database/data-source.options.js';
import { ENTITIES } from '../../src/schema/entities.js';
import { runMigrations } from '../../src/database/migrate.js';
import { TestDriver } from './drivers.js';

/** A migrated DataSource on a fresh database, for repository specs. */
export async function migratedDatabase(driver: TestDriver): Promise<{ db: DataSource; close(): Promise<void> }> {
  const database = await driver.provision();
  const db = await createDataSource(loadConfig({ DATABASE_URL: database.url }).database, ENTITIES);
  await db.initialize();
  await runMigrations(db);
  return { db, close: async () => { await db.destroy(); await database.drop(); } };
}
