import { DataSource } from 'typeorm';
import { ReportsRepository } from '../../src/moderation/reports.repository.js';
import { migratedDatabase } from '../support/database.js';
import { testDrivers } from '../support/drivers.js';
import { twoApps } from '../support/tenants.js';

describe.each(testDrivers())('ReportsRepository on %s', (driver) => {
  let db: DataSource;
  let close: () => Promise<void>;
  let reports: ReportsRepository;
  let seed: Awaited<ReturnType<typeof twoApps>>;

  beforeAll(async () => {
    ({ db, close } = await migratedDatabase(driver));
    reports = new ReportsRepository(db);
    seed = await twoApps(db);
  }, 60_000);
  afterAll(() => close());

  it("never shows app B any of app A's reports, nor lets it resolve them", async () => {
    const { a, b } = seed;
    const report = await reports.insert(a.scope, {
      roomId: a.room.id, reporterId: a.ann.id, targetType: 'USER', targetUserId: a.bob.id, targetMessageId: null, category: 'SPAM', reason: 'ads',
    });
    await expect(reports.findById(b.scope, report.id)).resolves.toBeNull();
    await expect(reports.list(b.scope, null, null, 50, null)).resolves.toEqual([]);
    await expect(reports.list(b.scope, a.room.id, 'OPEN', 50, null)).resolves.toEqual([]);
    await reports.resolve(b.scope, report.id, { status: 'DISMISSED', resolvedBy: b.ann.id, resolution: 'taken' });
    await expect(reports.findById(a.scope, report.id)).resolves.toMatchObject({ status: 'OPEN', resolvedBy: null, appId: a.scope.appId });
    await expect(reports.list(a.scope, a.room.id, 'OPEN', 50, null)).resolves.toMatchObject([{ id: report.id }]);
  });
});
