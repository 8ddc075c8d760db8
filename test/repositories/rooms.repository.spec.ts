import { DataSource } from 'typeorm';
import { MembersRepository } from '../../src/rooms/members.repository.js';
import { RoomsRepository } from '../../src/rooms/rooms.repository.js';
import { migratedDatabase } from '../support/database.js';
import { testDrivers } from '../support/drivers.js';
import { twoApps } from '../support/tenants.js';

describe.each(testDrivers())('RoomsRepository on %s', (driver) => {
  let db: DataSource;
  let close: () => Promise<void>;
  let rooms: RoomsRepository;
  let seed: Awaited<ReturnType<typeof twoApps>>;

  beforeAll(async () => {
    ({ db, close } = await migratedDatabase(driver));
    rooms = new RoomsRepository(db);
    seed = await twoApps(db);
    await new MembersRepository(db).insertOnce(seed.a.scope, { roomId: seed.a.room.id, userId: seed.a.ann.id, role: 'MEMBER' });
  }, 60_000);
  afterAll(() => close());

  it("never shows app B any of app A's rooms", async () => {
    const { a, b } = seed;
    const direct = await rooms.insert(a.scope, { key: null, name: null, type: 'DIRECT', directKey: `${a.ann.id}:${a.bob.id}` });
    await expect(rooms.findById(b.scope, a.room.id)).resolves.toBeNull();
    await expect(rooms.findByKey(b.scope, 'a-room')).resolves.toBeNull();
    await expect(rooms.findByDirectKey(b.scope, direct.directKey!)).resolves.toBeNull();
    await expect(rooms.findByIds(b.scope, [a.room.id, direct.id])).resolves.toEqual([]);
    await expect(rooms.listPage(b.scope, {}, 0, 50)).resolves.toMatchObject([[{ id: b.room.id }], 1]);
    await expect(rooms.listPage(b.scope, { memberId: a.ann.id }, 0, 50)).resolves.toEqual([[], 0]);
    await expect(rooms.ofMember(b.scope, a.ann.id)).resolves.toEqual([]);
    // What app A sees of the same, so the empty answers above are about the app.
    await expect(rooms.findByDirectKey(a.scope, direct.directKey!)).resolves.toMatchObject({ id: direct.id });
    await expect(rooms.listPage(a.scope, { memberId: a.ann.id }, 0, 50)).resolves.toMatchObject([[{ id: a.room.id }], 1]);
    await expect(rooms.ofMember(a.scope, a.ann.id)).resolves.toMatchObject([{ id: a.room.id }]);
  });

  it("does not let app B change or delete app A's rooms", async () => {
    const { a, b } = seed;
    await rooms.updateFields(b.scope, a.room.id, { name: 'taken', frozen: true });
    await expect(rooms.delete(b.scope, a.room.id)).resolves.toBe(0);
    await expect(rooms.findById(a.scope, a.room.id)).resolves.toMatchObject({ name: 'a room', frozen: false, appId: a.scope.appId });
  });

  it("gives app B a key app A already uses (keys are per app)", async () => {
    await expect(rooms.insert(seed.b.scope, { key: 'a-room', name: null, type: 'OPEN' })).resolves.toMatchObject({ key: 'a-room', appId: seed.b.scope.appId });
  });
});
