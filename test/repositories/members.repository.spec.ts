import { DataSource } from 'typeorm';
import { isForeignKeyViolation } from '../../src/database/db-errors.js';
import { MutesRepository } from '../../src/rooms/mutes.repository.js';
import { MembersRepository } from '../../src/rooms/members.repository.js';
import { migratedDatabase } from '../support/database.js';
import { testDrivers } from '../support/drivers.js';
import { twoApps } from '../support/tenants.js';

describe.each(testDrivers())('MembersRepository on %s', (driver) => {
  let db: DataSource;
  let close: () => Promise<void>;
  let members: MembersRepository;
  let seed: Awaited<ReturnType<typeof twoApps>>;

  beforeAll(async () => {
    ({ db, close } = await migratedDatabase(driver));
    members = new MembersRepository(db);
    seed = await twoApps(db);
    const { a } = seed;
    await members.insertOnce(a.scope, { roomId: a.room.id, userId: a.ann.id, role: 'MANAGER' });
    await members.insertOnce(a.scope, { roomId: a.room.id, userId: a.bob.id, role: 'MEMBER' });
    const now = Date.now();
    await new MutesRepository(db).upsert(a.scope, { roomId: a.room.id, userId: a.bob.id, mutedBy: null, minutes: 5, reason: null, startsAt: new Date(now), endsAt: new Date(now + 300_000) });
  }, 60_000);
  afterAll(() => close());

  it("never shows app B any of app A's memberships", async () => {
    const { a, b } = seed;
    await expect(members.find(b.scope, a.room.id, a.ann.id)).resolves.toBeNull();
    await expect(members.listWithUsers(b.scope, a.room.id)).resolves.toEqual([]);
    await expect(members.userIds(b.scope, a.room.id)).resolves.toEqual([]);
    await expect(members.roomIdsOf(b.scope, a.ann.id)).resolves.toEqual([]);
    await expect(members.countByRoom(b.scope, [a.room.id])).resolves.toEqual(new Map());
    // App A's own view: its users and the running mute, through the joins that carry the app.
    const listed = await members.listWithUsers(a.scope, a.room.id);
    expect(listed.map((m) => [m.userRow.uname, m.role, m.mute?.minutes ?? null])).toEqual([['a-ann', 'MANAGER', null], ['a-bob', 'MEMBER', 5]]);
    await expect(members.countByRoom(a.scope, [a.room.id])).resolves.toEqual(new Map([[a.room.id, 2]]));
  });

  it("does not let app B change, advance or remove app A's memberships, nor join its rooms", async () => {
    const { a, b } = seed;
    await members.setRole(b.scope, a.room.id, a.bob.id, 'MANAGER');
    await expect(members.advance(b.scope, a.room.id, a.bob.id, 'read', '999')).resolves.toBe(false);
    await expect(members.delete(b.scope, a.room.id, a.bob.id)).resolves.toBe(0);
    await expect(members.find(a.scope, a.room.id, a.bob.id)).resolves.toMatchObject({ role: 'MEMBER', lastReadMessageId: null });
    const joined = await members.insertOnce(b.scope, { roomId: a.room.id, userId: b.ann.id, role: 'MEMBER' }).then(() => null, (e: unknown) => e);
    expect(isForeignKeyViolation(joined)).toBe(true);
  });

  it('moves a read position forward only, within the app', async () => {
    const { a } = seed;
    await expect(members.advance(a.scope, a.room.id, a.ann.id, 'read', '10')).resolves.toBe(true);
    await expect(members.advance(a.scope, a.room.id, a.ann.id, 'read', '9')).resolves.toBe(false);
    await expect(members.advance(a.scope, a.room.id, a.ann.id, 'delivered', '9')).resolves.toBe(true);
    await expect(members.find(a.scope, a.room.id, a.ann.id)).resolves.toMatchObject({ lastReadMessageId: '10', lastDeliveredMessageId: '9' });
  });
});
