import { DataSource } from 'typeorm';

/**
 * Runs pending migrations at start. On MySQL several instances may start at once, so they take
 * a named lock first and run one after another (the later ones find nothing to do).
 */
export async function runMigrations(db: DataSource): Promise<void> {
  if (db.options.type === 'better-sqlite3') {
    await db.runMigrations({ transaction: 'each' });
    return;
  }
  const runner = db.createQueryRunner();
  try {
    await runner.connect();
    const [lock] = await runner.query(`SELECT GET_LOCK('chat_migrations', 120) AS acquired`);
    if (Number(lock?.acquired) !== 1) throw new Error('could not take the migration lock within 120 s');
    try {
      await db.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query(`SELECT RELEASE_LOCK('chat_migrations')`);
    }
  } finally {
    await runner.release();
  }
}
