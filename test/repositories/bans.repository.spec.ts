import { DataSource } from 'typeorm';
import { isForeignKeyViolation } from '../../src/database/db-errors.js';
import { BansRepository } from '../../src/rooms/bans.repository.js';
import { migratedDatabase } from '../support/database.js';
import { testDrivers } from '../support/drivers.js';
import { twoApps } from '../support/tenants.js';

describe.each(testDrivers())('BansRepository on %s', (driver) => {
  let db: DataSource;
  let close: () => Promise<void>;
  let bans: BansRepository;
  let seed: Awaited<ReturnType<typeof twoApps>>;
  const ban = (roomId: string, userId: string, endsAt: Date | null) => ({ roomId, userId, bannedBy: null, reason: 'troll', startsAt: new Date(), endsAt });

  beforeAll(async () => {
    ({ db, close } = await migratedDatabase(driver));
    bans = new BansRepository(db);
    seed = await twoApps(db);
    await db.transaction((tx) => bans.upsert(seed.a.scope, ban(seed.a.room.id, seed.a.ann.id, null), tx));
  }, 60_000);
  afterAll(() => close());

  it("never shows app B any of app A's bans", async () => {
    const { a, b } = seed;
    await expect(bans.findActive(b.scope, a.room.id, a.ann.id)).resolves.toBeNull();
    await expect(bans.listActive(b.scope, a.room.id)).resolves.toEqual([]);
    const listed = await bans.listActive(a.scope, a.room.id);
    expect(listed.map((x) => [x.userRow.uname, x.reason, x.endsAt])).toEqual([['a-ann', 'troll', null]]);
  });

  it("does not let app B lift app A's bans nor ban in its rooms", async () => {
    const { a, b } = seed;
    await expect(bans.delete(b.scope, a.room.id, a.ann.id)).resolves.toBe(0);
    const found = await bans.findActive(a.scope, a.room.id, a.ann.id);
    await expect(bans.deleteExpired(b.scope, found!.id, new Date())).resolves.toBe(false);
    const refused = await db.transaction((tx) => bans.upsert(b.scope, ban(a.room.id, a.bob.id, new Date()), tx)).then(() => null, (e: unknown) => e);
    expect(isForeignKeyViolation(refused)).toBe(true);
    await expect(bans.findActive(a.scope, a.room.id, a.ann.id)).resolves.toMatchObject({ id: found!.id, endsAt: null });
    await expect(bans.findActive(a.scope, a.room.id, a.bob.id)).resolves.toBeNull();
  });

  it('sweeps expired bans of every app, each with its own app and user, and deletes each once', async () => {
    const { a, b } = seed;
    const past = new Date(Date.now() - 1_000);
    await db.transaction((tx) => bans.upsert(a.scope, ban(a.room.id, a.bob.id, past), tx));
    await db.transaction((tx) => bans.upsert(b.scope, ban(b.room.id, b.bob.id, past), tx));
    const expired = await bans.findExpired(new Date(), 10);
    expect(expired.map((x) => [x.appId, x.userRow.uname]).sort()).toEqual([[a.scope.appId, 'a-bob'], [b.scope.appId, 'b-bob']].sort());
    const ofB = expired.find((x) => x.appId === b.scope.appId)!;
    await expect(bans.deleteExpired(a.scope, ofB.id, new Date())).resolves.toBe(false);
    await expect(bans.deleteExpired(b.scope, ofB.id, new Date())).resolves.toBe(true);
  });
});
