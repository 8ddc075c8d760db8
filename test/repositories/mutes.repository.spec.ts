import { DataSource } from 'typeorm';
import { isForeignKeyViolation } from '../../src/database/db-errors.js';
import { MutesRepository, NewMute } from '../../src/rooms/mutes.repository.js';
import { migratedDatabase } from '../support/database.js';
import { testDrivers } from '../support/drivers.js';
import { twoApps } from '../support/tenants.js';

const mute = (roomId: string, userId: string, endsAt: Date): NewMute =>
  ({ roomId, userId, mutedBy: null, minutes: 5, reason: 'spam', startsAt: new Date(endsAt.getTime() - 300_000), endsAt });

describe.each(testDrivers())('MutesRepository on %s', (driver) => {
  let db: DataSource;
  let close: () => Promise<void>;
  let mutes: MutesRepository;
  let seed: Awaited<ReturnType<typeof twoApps>>;
  const later = new Date(Date.now() + 600_000);

  beforeAll(async () => {
    ({ db, close } = await migratedDatabase(driver));
    mutes = new MutesRepository(db);
    seed = await twoApps(db);
    await mutes.upsert(seed.a.scope, mute(seed.a.room.id, seed.a.ann.id, later));
  }, 60_000);
  afterAll(() => close());

  it("never shows app B any of app A's mutes", async () => {
    const { a, b } = seed;
    await expect(mutes.findActive(b.scope, a.room.id, a.ann.id)).resolves.toBeNull();
    await expect(mutes.listActive(b.scope, a.room.id)).resolves.toEqual([]);
    const listed = await mutes.listActive(a.scope, a.room.id);
    expect(listed.map((m) => [m.userRow.uname, m.reason])).toEqual([['a-ann', 'spam']]);
  });

  it("does not let app B change, end or lift app A's mutes, nor mute in its rooms", async () => {
    const { a, b } = seed;
    await expect(mutes.setEndsAt(b.scope, a.room.id, a.ann.id, new Date(0))).resolves.toBe(0);
    await expect(mutes.delete(b.scope, a.room.id, a.ann.id)).resolves.toBe(0);
    const found = await mutes.findActive(a.scope, a.room.id, a.ann.id);
    await expect(mutes.deleteExpired(b.scope, found!.id, new Date(later.getTime() + 1))).resolves.toBe(false);
    const refused = await mutes.upsert(b.scope, mute(a.room.id, a.bob.id, new Date(Date.now() + 1_000))).then(() => null, (e: unknown) => e);
    expect(isForeignKeyViolation(refused)).toBe(true);
    await expect(mutes.findActive(a.scope, a.room.id, a.ann.id)).resolves.toMatchObject({ id: found!.id, endsAt: later });
    await expect(mutes.findActive(a.scope, a.room.id, a.bob.id)).resolves.toBeNull();
  });

  it('sweeps expired mutes of every app, each with its own app and user, and deletes each once', async () => {
    const { a, b } = seed;
    const past = new Date(Date.now() - 1_000);
    await mutes.upsert(a.scope, mute(a.room.id, a.bob.id, past));
    await mutes.upsert(b.scope, mute(b.room.id, b.bob.id, past));
    const expired = await mutes.findExpired(new Date(), 10);
    expect(expired.map((m) => [m.appId, m.userRow.uname]).sort()).toEqual([[a.scope.appId, 'a-bob'], [b.scope.appId, 'b-bob']].sort());
    const ofA = expired.find((m) => m.appId === a.scope.appId)!;
    await expect(mutes.deleteExpired(a.scope, ofA.id, new Date())).resolves.toBe(true);
    await expect(mutes.deleteExpired(a.scope, ofA.id, new Date())).resolves.toBe(false);
  });
});
