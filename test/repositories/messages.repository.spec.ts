import { DataSource } from 'typeorm';
import { AppScope, scopeOf } from '../../src/database/app-scope.js';
import { AppsRepository } from '../../src/apps/apps.repository.js';
import { isStatementRefusal } from '../../src/database/db-errors.js';
import { RawSql } from '../../src/database/raw-sql.js';
import { MetricsService } from '../../src/metrics/metrics.service.js';
import { MessagesRepository } from '../../src/messages/messages.repository.js';
import { MembersRepository } from '../../src/rooms/members.repository.js';
import { RoomsRepository } from '../../src/rooms/rooms.repository.js';
import { UsersRepository } from '../../src/users/users.repository.js';
import { migratedDatabase } from '../support/database.js';
import { testDrivers } from '../support/drivers.js';

const ROOM_MESSAGES = 1500;

describe.each(testDrivers())('MessagesRepository on %s', (driver) => {
  let db: DataSource;
  let close: () => Promise<void>;
  let messages: MessagesRepository;
  let a: AppScope;
  let b: AppScope;
  let busy: string;
  let quiet: string;
  const ids: string[] = [];

  beforeAll(async () => {
    ({ db, close } = await migratedDatabase(driver));
    const raw = new RawSql(db, new MetricsService());
    await raw.onModuleInit();
    messages = new MessagesRepository(db, raw);
    const apps = new AppsRepository(db);
    const rooms = new RoomsRepository(db);
    a = scopeOf((await db.transaction((tx) => apps.insert({ name: 'A', secret: 's' }, tx))).id);
    b = scopeOf((await db.transaction((tx) => apps.insert({ name: 'B', secret: 's' }, tx))).id);
    busy = (await rooms.insert(a, { key: 'busy', name: null, type: 'GROUP' })).id;
    quiet = (await rooms.insert(a, { key: 'quiet', name: null, type: 'GROUP' })).id;
    // Interleave two rooms so an id-only walk would have to skip rows of the other room.
    for (let from = 0; from < ROOM_MESSAGES; from += 100) {
      const batch = Array.from({ length: 100 }, (_, k) => [
        { scope: a, values: { roomId: busy, authorId: null, kind: 'SYSTEM' as const, text: `b${from + k}`, meta: null, clientMsgId: null } },
        { scope: a, values: { roomId: quiet, authorId: null, kind: 'SYSTEM' as const, text: `q${from + k}`, meta: null, clientMsgId: null } },
      ]).flat();
      ids.push(...(await messages.appendMany(batch)).filter((_, i) => i % 2 === 0));
    }
    if (driver.name === 'mysql') await db.query('ANALYZE TABLE messages');
  }, 120_000);
  afterAll(() => close());

  it('reads the newest page and a deep page by id range, oldest first', async () => {
    const newest = await messages.page(a, busy, { limit: 50 });
    expect(newest.rows.map((r) => r.id)).toEqual(ids.slice(-50));
    expect(newest.hasMore).toBe(true);
    const deep = await messages.page(a, busy, { before: ids[100], limit: 50 });
    expect(deep.rows.map((r) => r.id)).toEqual(ids.slice(50, 100));
    const first = await messages.page(a, busy, { before: ids[10], limit: 50 });
    expect(first).toMatchObject({ hasMore: false });
    expect(first.rows).toHaveLength(10);
  });

  it("never shows app B any of app A's messages", async () => {
    await expect(messages.page(b, busy, { limit: 50 })).resolves.toEqual({ rows: [], hasMore: false });
    await expect(messages.findById(b, ids[0])).resolves.toBeNull();
    await expect(messages.lastOfRooms(b, [busy])).resolves.toEqual(new Map());
    await expect(messages.search(b, busy, 'b1', 10)).resolves.toEqual([]);
    await expect(messages.findByIds(b, ids.slice(0, 3))).resolves.toEqual([]);
    await expect(messages.existsInRoom(b, busy, ids[0])).resolves.toBe(false);
    await messages.setText(b, ids[0], 'taken', new Date());
    await messages.setMeta(b, ids[0], { taken: true });
    await messages.tombstone(b, ids[1], new Date());
    await expect(messages.findByIds(a, ids.slice(0, 2))).resolves.toEqual([
      expect.objectContaining({ id: ids[0], text: 'b0', meta: null, editedAt: null }), expect.objectContaining({ id: ids[1], text: 'b1', deletedAt: null })]);
    await expect(messages.existsInRoom(a, busy, ids[0])).resolves.toBe(true);
  });

  it("counts unread messages of the reader's own app only, with the author joined from that app", async () => {
    const users = new UsersRepository(db);
    const members = new MembersRepository(db);
    const reader = await users.insert(a, { uname: 'reader', externalId: null, displayName: null, role: 'MEMBER', isBot: false, meta: null });
    const room = (await new RoomsRepository(db).insert(a, { key: 'unread', name: null, type: 'GROUP' })).id;
    await members.insertOnce(a, { roomId: room, userId: reader.id, role: 'MEMBER' });
    const [first] = await messages.appendMany([1, 2, 3].map((n) => ({ scope: a, values: { roomId: room, authorId: n === 3 ? reader.id : null, kind: 'TEXT' as const, text: `u${n}`, meta: null, clientMsgId: null } })));
    await expect(messages.unreadCounts(a, reader.id, [room])).resolves.toEqual(new Map([[room, 2]]));
    await members.advance(a, room, reader.id, 'read', first);
    await expect(messages.unreadCounts(a, reader.id, [room])).resolves.toEqual(new Map([[room, 1]]));
    await expect(messages.unreadCounts(b, reader.id, [room])).resolves.toEqual(new Map());
    const last = await messages.lastOfRooms(a, [room]);
    expect(last.get(room)).toMatchObject({ text: 'u3', author: { id: reader.id, uname: 'reader' } });
  });

  it('plans every history page on the (room_id, id) index', async () => {
    for (const before of [null, ids[100]]) {
      const plan = await messages.explainPage(a, busy, before);
      if (driver.name === 'mysql') {
        expect(plan).toHaveLength(1);
        expect(plan[0]).toMatchObject({ table: 'm', key: 'ix_messages_room_id' });
        expect(['range', 'ref']).toContain(plan[0].type);
        expect(String(plan[0].Extra ?? '')).not.toMatch(/filesort/i);
      } else {
        const detail = plan.map((row) => String(row.detail)).join(' | ');
        expect(detail).toMatch(/USING (COVERING )?INDEX ix_messages_room_id/);
        expect(detail).not.toMatch(/TEMP B-TREE/);
      }
    }
  });

  it('appends a batch of several apps in one INSERT, ids in the order given, rows as sent', async () => {
    const other = (await new RoomsRepository(db).insert(b, { key: 'other', name: null, type: 'GROUP' })).id;
    const sentAt = new Date('2026-01-02T03:04:05.678Z');
    const batch = [
      { scope: a, values: { roomId: quiet, authorId: null, kind: 'SYSTEM' as const, text: 'first', meta: { n: 1, deep: { ok: true } }, clientMsgId: null, createdAt: sentAt } },
      { scope: b, values: { roomId: other, authorId: null, kind: 'SYSTEM' as const, text: 'second', meta: null, clientMsgId: null, createdAt: sentAt } },
      { scope: a, values: { roomId: quiet, authorId: null, kind: 'SYSTEM' as const, text: 'third', meta: null, clientMsgId: null, createdAt: sentAt } },
    ];
    const appended = await messages.appendMany(batch);
    expect(appended.map(BigInt)).toEqual([0n, 1n, 2n].map((i) => BigInt(appended[0]) + i));
    const first = await messages.findById(a, appended[0]);
    expect(first).toMatchObject({ roomId: quiet, text: 'first', meta: { n: 1, deep: { ok: true } }, kind: 'SYSTEM', clientMsgId: null, editedAt: null, deletedAt: null });
    expect(first!.createdAt.toISOString()).toBe(sentAt.toISOString());
    await expect(messages.findById(b, appended[1])).resolves.toMatchObject({ roomId: other, text: 'second', meta: null });
    await expect(messages.findById(a, appended[1])).resolves.toBeNull();
    await expect(messages.findById(a, appended[2])).resolves.toMatchObject({ text: 'third' });
  });

  it('stores none of a batch when one row cannot be stored (one statement, all or nothing)', async () => {
    const before = (await messages.page(a, quiet, { limit: 1 })).rows[0].id;
    const rows = [
      { scope: a, values: { roomId: quiet, authorId: null, kind: 'SYSTEM' as const, text: 'kept?', meta: null, clientMsgId: null } },
      { scope: a, values: { roomId: '999999999', authorId: null, kind: 'SYSTEM' as const, text: 'no such room', meta: null, clientMsgId: null } },
    ];
    const error = await messages.appendMany(rows).then(() => null, (e: unknown) => e);
    // Refused by the database itself, so the writer may safely try the rows one by one.
    expect(isStatementRefusal(error)).toBe(true);
    expect((await messages.page(a, quiet, { limit: 1 })).rows[0].id).toBe(before);
  });

  it('inserts a clientMsgId once per author: a repeat answers with the first id, another author gets their own', async () => {
    const users = new UsersRepository(db);
    const [ann, bob] = [await users.insert(a, { uname: 'ann', externalId: null, displayName: null, role: 'MEMBER', isBot: false, meta: null }),
      await users.insert(a, { uname: 'bob', externalId: null, displayName: null, role: 'MEMBER', isBot: false, meta: null })];
    const send = (authorId: string, text: string) => messages.insertOnce(a, { roomId: quiet, authorId, kind: 'TEXT', text, meta: null, clientMsgId: 'k-1' });
    const first = await send(ann.id, 'once');
    expect(first.created).toBe(true);
    await expect(send(ann.id, 'twice')).resolves.toEqual({ id: first.id, created: false, row: expect.objectContaining({ id: first.id, text: 'once', clientMsgId: 'k-1' }) });
    await expect(messages.findById(a, first.id)).resolves.toMatchObject({ text: 'once', clientMsgId: 'k-1' });
    const other = await send(bob.id, 'bob');
    expect(other.created).toBe(true);
    expect(other.id).not.toBe(first.id);

    // The writer's lookup for a refused batch: the pairs that exist, one query, in the caller's app only.
    const found = await messages.findByClientMsgIds(a, [{ authorId: ann.id, clientMsgId: 'k-1' }, { authorId: bob.id, clientMsgId: 'k-1' }, { authorId: ann.id, clientMsgId: 'k-2' }]);
    expect(found.map((r) => [r.id, r.authorId, r.text]).sort()).toEqual([[first.id, ann.id, 'once'], [other.id, bob.id, 'bob']].sort());
    await expect(messages.findByClientMsgIds(b, [{ authorId: ann.id, clientMsgId: 'k-1' }])).resolves.toEqual([]);
    await expect(messages.findByClientMsgIds(a, [])).resolves.toEqual([]);
  });
});
