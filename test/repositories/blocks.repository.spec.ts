import { DataSource } from 'typeorm';
import { isForeignKeyViolation } from '../../src/database/db-errors.js';
import { BlocksRepository } from '../../src/users/blocks.repository.js';
import { migratedDatabase } from '../support/database.js';
import { testDrivers } from '../support/drivers.js';
import { twoApps } from '../support/tenants.js';

describe.each(testDrivers())('BlocksRepository on %s', (driver) => {
  let db: DataSource;
  let close: () => Promise<void>;
  let blocks: BlocksRepository;
  let seed: Awaited<ReturnType<typeof twoApps>>;

  beforeAll(async () => {
    ({ db, close } = await migratedDatabase(driver));
    blocks = new BlocksRepository(db);
    seed = await twoApps(db);
    await expect(blocks.insertOnce(seed.a.scope, seed.a.ann.id, seed.a.bob.id)).resolves.toBe(true);
  }, 60_000);
  afterAll(() => close());

  it("never shows app B any of app A's blocks", async () => {
    const { a, b } = seed;
    await expect(blocks.blockedIds(b.scope, a.ann.id)).resolves.toEqual([]);
    await expect(blocks.blockedUsers(b.scope, a.ann.id)).resolves.toEqual([]);
    await expect(blocks.exists(b.scope, a.ann.id, a.bob.id)).resolves.toBe(false);
    await expect(blocks.blockedUsers(a.scope, a.ann.id)).resolves.toMatchObject([{ uname: 'a-bob' }]);
  });

  it("does not let app B remove app A's blocks nor block across apps", async () => {
    const { a, b } = seed;
    await expect(blocks.delete(b.scope, a.ann.id, a.bob.id)).resolves.toBe(0);
    expect(isForeignKeyViolation(await blocks.insertOnce(b.scope, b.ann.id, a.bob.id).then(() => null, (e: unknown) => e))).toBe(true);
    await expect(blocks.exists(a.scope, a.ann.id, a.bob.id)).resolves.toBe(true);
    await expect(blocks.insertOnce(a.scope, a.ann.id, a.bob.id)).resolves.toBe(false);
  });
});
