import { DataSource } from 'typeorm';
import { AuditLogRepository } from '../../src/moderation/audit-log.repository.js';
import { migratedDatabase } from '../support/database.js';
import { testDrivers } from '../support/drivers.js';
import { twoApps } from '../support/tenants.js';

describe.each(testDrivers())('AuditLogRepository on %s', (driver) => {
  let db: DataSource;
  let close: () => Promise<void>;
  let log: AuditLogRepository;
  let seed: Awaited<ReturnType<typeof twoApps>>;

  beforeAll(async () => {
    ({ db, close } = await migratedDatabase(driver));
    log = new AuditLogRepository(db);
    seed = await twoApps(db);
  }, 60_000);
  afterAll(() => close());

  it("never shows app B any of app A's entries", async () => {
    const { a, b } = seed;
    const entry = { actorKind: 'APP' as const, actorUserId: null, action: 'MUTE', targetUserId: a.ann.id, reason: null, details: { minutes: 5 } };
    await log.append(a.scope, { ...entry, roomId: a.room.id });
    await log.append(a.scope, { ...entry, roomId: null });
    await expect(log.listForRoom(b.scope, a.room.id, 50)).resolves.toEqual([]);
    await expect(log.listForRoom(b.scope, null, 50)).resolves.toEqual([]);
    await expect(log.listForRoom(a.scope, a.room.id, 50)).resolves.toMatchObject([{ action: 'MUTE', details: { minutes: 5 }, appId: a.scope.appId }]);
    await expect(log.listForRoom(a.scope, null, 50)).resolves.toHaveLength(1);
  });
});
