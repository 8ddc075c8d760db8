import { DataSource } from 'typeorm';
import { isForeignKeyViolation } from '../../src/database/db-errors.js';
import { runMigrations } from '../../src/database/migrate.js';
import { UsersRepository } from '../../src/users/users.repository.js';
import { RoomsRepository } from '../../src/rooms/rooms.repository.js';
import { migratedDatabase } from '../support/database.js';
import { testDrivers } from '../support/drivers.js';
import { twoApps } from '../support/tenants.js';

const AT = '2026-01-01 00:00:00.000';

/** Child rows written straight through a query runner, as a forgotten check in a service would write them. */
const insertInto: Record<string, (app: string, parent: string, other: string) => [string, unknown[]]> = {
  user_tokens: (app, user) => ['INSERT INTO user_tokens (app_id, user_id, jti, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    [app, user, `jti-${Math.random()}`, `${Math.random()}`.padEnd(64, '0'), AT, AT]],
  room_members: (app, room, user) => ['INSERT INTO room_members (app_id, room_id, user_id, role, joined_at) VALUES (?, ?, ?, ?, ?)', [app, room, user, 'MEMBER', AT]],
  messages: (app, room, author) => ['INSERT INTO messages (app_id, room_id, author_id, kind, text, created_at) VALUES (?, ?, ?, ?, ?, ?)', [app, room, author, 'TEXT', 'hi', AT]],
  room_mutes: (app, room, user) => ['INSERT INTO room_mutes (app_id, room_id, user_id, minutes, starts_at, ends_at) VALUES (?, ?, ?, ?, ?, ?)', [app, room, user, 5, AT, AT]],
  room_bans: (app, room, user) => ['INSERT INTO room_bans (app_id, room_id, user_id, starts_at) VALUES (?, ?, ?, ?)', [app, room, user, AT]],
  user_blocks: (app, blocker, blocked) => ['INSERT INTO user_blocks (app_id, blocker_id, blocked_id, created_at) VALUES (?, ?, ?, ?)', [app, blocker, blocked, AT]],
};

async function refusal(work: Promise<unknown>): Promise<unknown> {
  return work.then(() => { throw new Error('the database stored the row'); }, (error: unknown) => error);
}

describe.each(testDrivers())('tenancy in the schema on %s', (driver) => {
  let db: DataSource;
  let close: () => Promise<void>;
  let seed: Awaited<ReturnType<typeof twoApps>>;

  beforeAll(async () => {
    ({ db, close } = await migratedDatabase(driver));
    seed = await twoApps(db);
  }, 60_000);
  afterAll(() => close());

  const run = (statement: [string, unknown[]]) => db.query(...statement);

  type App = Awaited<ReturnType<typeof twoApps>>['a'];
  /** A row of app `row` whose column under test names `parent`'s row; its other parent is always `row`'s own. */
  const cases: [string, (row: App, parent: App) => [string, unknown[]]][] = [
    ['user_tokens.user_id', (row, p) => insertInto.user_tokens(row.scope.appId, p.ann.id, '')],
    ['room_members.room_id', (row, p) => insertInto.room_members(row.scope.appId, p.room.id, row.ann.id)],
    ['room_members.user_id', (row, p) => insertInto.room_members(row.scope.appId, row.room.id, p.bob.id)],
    ['messages.room_id', (row, p) => insertInto.messages(row.scope.appId, p.room.id, row.ann.id)],
    ['messages.author_id', (row, p) => insertInto.messages(row.scope.appId, row.room.id, p.ann.id)],
    ['room_mutes.room_id', (row, p) => insertInto.room_mutes(row.scope.appId, p.room.id, row.ann.id)],
    ['room_mutes.user_id', (row, p) => insertInto.room_mutes(row.scope.appId, row.room.id, p.bob.id)],
    ['room_bans.room_id', (row, p) => insertInto.room_bans(row.scope.appId, p.room.id, row.ann.id)],
    ['room_bans.user_id', (row, p) => insertInto.room_bans(row.scope.appId, row.room.id, p.bob.id)],
    ['user_blocks.blocker_id', (row, p) => insertInto.user_blocks(row.scope.appId, p.ann.id, row.bob.id)],
    ['user_blocks.blocked_id', (row, p) => insertInto.user_blocks(row.scope.appId, row.bob.id, p.ann.id)],
  ];

  it.each(cases)('refuses a row whose %s names a row of another app, and takes it within one app', async (_, row) => {
    const { a, b } = seed;
    const runner = db.createQueryRunner();
    try {
      const error = await refusal(runner.query(...row(b, a)));
      expect(isForeignKeyViolation(error)).toBe(true);
      await expect(runner.query(...row(b, b))).resolves.toBeDefined();
    } finally {
      await runner.release();
    }
  });

  it('keeps ON DELETE as it was: a deleted author leaves messages without author, a deleted room or user takes its rows along', async () => {
    const { a } = seed;
    const users = new UsersRepository(db);
    const rooms = new RoomsRepository(db);
    const carol = await users.insert(a.scope, { uname: 'a-carol', externalId: null, displayName: null, role: 'MEMBER', isBot: false, meta: null });
    const room = await rooms.insert(a.scope, { key: 'a-doomed', name: null, type: 'GROUP' });
    for (const [table, parent, other] of [['messages', a.room.id, carol.id], ['room_members', a.room.id, carol.id], ['room_mutes', a.room.id, carol.id],
      ['room_bans', a.room.id, carol.id], ['user_blocks', carol.id, a.ann.id], ['user_tokens', carol.id, ''],
      ['messages', room.id, a.ann.id], ['room_members', room.id, a.ann.id]] as const) {
      await run(insertInto[table](a.scope.appId, parent, other));
    }
    const count = async (sql: string, params: unknown[]) => Number((await db.query(sql, params))[0].n);

    await expect(users.deleteById(a.scope, carol.id)).resolves.toBe(1);
    await expect(count('SELECT COUNT(*) AS n FROM messages WHERE room_id = ?', [a.room.id])).resolves.toBe(1); // kept,
    await expect(count('SELECT COUNT(*) AS n FROM messages WHERE room_id = ? AND author_id IS NULL', [a.room.id])).resolves.toBe(1); // without its author
    for (const [table, column] of [['room_members', 'user_id'], ['room_mutes', 'user_id'], ['room_bans', 'user_id'], ['user_blocks', 'blocker_id'], ['user_tokens', 'user_id']]) {
      await expect(count(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = ?`, [carol.id])).resolves.toBe(0);
    }
    await expect(rooms.delete(a.scope, room.id)).resolves.toBe(1);
    await expect(count('SELECT COUNT(*) AS n FROM messages WHERE room_id = ?', [room.id])).resolves.toBe(0);
    await expect(count('SELECT COUNT(*) AS n FROM room_members WHERE room_id = ?', [room.id])).resolves.toBe(0);
  });
});

describe.each(testDrivers())('the tenant-keys migration on %s', (driver) => {
  let db: DataSource;
  let close: () => Promise<void>;

  beforeAll(async () => ({ db, close } = await migratedDatabase(driver)), 60_000);
  afterAll(() => close());

  it('stops before changing anything while a child row names a parent of another app, and runs once it is gone', async () => {
    const { a, b } = await twoApps(db);
    // Back to before TenantKeys: the migrations after it (Media) are undone first.
    while ((await db.query('SELECT name FROM migrations ORDER BY id DESC LIMIT 1'))[0].name !== 'TenantKeys1764000000000') {
      await db.undoLastMigration({ transaction: 'each' });
    }
    await db.undoLastMigration({ transaction: 'each' });
    await expect(db.showMigrations()).resolves.toBe(true);
    // The one-column keys of before take these rows: a member and a mute of app B in app A's room.
    await db.query(...insertInto.room_members(b.scope.appId, a.room.id, b.ann.id));
    await db.query(...insertInto.room_mutes(b.scope.appId, a.room.id, b.ann.id));
    await db.query(...insertInto.room_mutes(b.scope.appId, a.room.id, b.bob.id));

    await expect(runMigrations(db)).rejects.toThrow(/room_members\.room_id: 1 row;.*room_mutes\.room_id: 2 rows\).*Nothing was changed/);
    await expect(db.showMigrations()).resolves.toBe(true);
    const left = async (table: string) => Number((await db.query(`SELECT COUNT(*) AS n FROM ${table} WHERE app_id = ?`, [b.scope.appId]))[0].n);
    await expect(left('room_mutes')).resolves.toBe(2); // reported, not dropped

    await db.query('DELETE FROM room_mutes WHERE app_id = ?', [b.scope.appId]);
    await db.query('DELETE FROM room_members WHERE app_id = ?', [b.scope.appId]);
    await runMigrations(db);
    await expect(db.showMigrations()).resolves.toBe(false);
    await expect(db.driver.createSchemaBuilder().log()).resolves.toMatchObject({ upQueries: [] });
    expect(isForeignKeyViolation(await refusal(db.query(...insertInto.room_members(b.scope.appId, a.room.id, b.ann.id))))).toBe(true);
  });
});
