import { DataSource } from 'typeorm';
import { migratedDatabase } from '../support/database.js';
import { testDrivers } from '../support/drivers.js';

describe.each(testDrivers())('schema on %s', (driver) => {
  let db: DataSource;
  let close: () => Promise<void>;
  beforeAll(async () => ({ db, close } = await migratedDatabase(driver)));
  afterAll(() => close());

  it('matches the entities exactly after the committed migrations (no drift)', async () => {
    const pending = await db.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('has no migration left to run', async () => {
    await expect(db.showMigrations()).resolves.toBe(false);
  });

  it('indexes message history by (room_id, id)', async () => {
    const runner = db.createQueryRunner();
    const table = await runner.getTable('messages');
    await runner.release();
    const index = table!.indices.find((i) => i.name === 'ix_messages_room_id');
    expect(index?.columnNames).toEqual(['room_id', 'id']);
  });
});
