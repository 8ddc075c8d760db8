import { MigrationInterface, QueryRunner } from 'typeorm';
import { assertNoCrossAppRows } from '../cross-app-rows.js';

interface Rebuilt {
  table: string;
  columns: string;
  indices: string[];
  /** The table's foreign keys before this migration and after it. */
  before: string[];
  after: string[];
}

const cascade = 'ON DELETE CASCADE ON UPDATE NO ACTION';
const oldKey = (name: string, column: string, parent: string) =>
  `CONSTRAINT "${name}" FOREIGN KEY ("${column}") REFERENCES "${parent}" ("id") ${cascade}`;
const appKey = (name: string, column: string, parent: string, actions = cascade) =>
  `CONSTRAINT "${name}" FOREIGN KEY ("app_id", "${column}") REFERENCES "${parent}" ("app_id", "id") ${actions}`;

const TABLES: Rebuilt[] = [
  {
    table: 'user_tokens',
    columns: `"id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "app_id" bigint NOT NULL, "user_id" bigint NOT NULL,
      "jti" varchar(36) NOT NULL, "token_hash" varchar(64) NOT NULL, "expires_at" datetime(3) NOT NULL,
      "revoked_at" datetime(3), "created_at" datetime(3) NOT NULL`,
    indices: [
      'CREATE INDEX "ix_user_tokens_user" ON "user_tokens" ("app_id", "user_id")',
      'CREATE UNIQUE INDEX "uq_user_tokens_hash" ON "user_tokens" ("token_hash")',
      'CREATE UNIQUE INDEX "uq_user_tokens_jti" ON "user_tokens" ("jti")',
    ],
    before: [oldKey('FK_9e144a67be49e5bba91195ef5de', 'user_id', 'users')],
    after: [appKey('fk_user_tokens_user', 'user_id', 'users')],
  },
  {
    table: 'room_members',
    columns: `"id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "app_id" bigint NOT NULL, "room_id" bigint NOT NULL,
      "user_id" bigint NOT NULL, "role" varchar(8) NOT NULL DEFAULT ('MEMBER'), "joined_at" datetime(3) NOT NULL,
      "last_read_message_id" bigint, "last_delivered_message_id" bigint`,
    indices: [
      'CREATE UNIQUE INDEX "uq_room_members_room_user" ON "room_members" ("room_id", "user_id")',
      'CREATE INDEX "ix_room_members_user" ON "room_members" ("app_id", "user_id")',
    ],
    before: [oldKey('FK_e6cf45f179a524427ddf8bacd8e', 'room_id', 'rooms'), oldKey('FK_b2d15baf5b46ed9659bd71fbb43', 'user_id', 'users')],
    after: [appKey('fk_room_members_room', 'room_id', 'rooms'), appKey('fk_room_members_user', 'user_id', 'users')],
  },
  {
    table: 'messages',
    columns: `"id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "app_id" bigint NOT NULL, "room_id" bigint NOT NULL,
      "author_id" bigint, "kind" varchar(8) NOT NULL DEFAULT ('TEXT'), "text" text, "meta" text,
      "client_msg_id" varchar(64), "created_at" datetime(3) NOT NULL, "edited_at" datetime(3), "deleted_at" datetime(3)`,
    indices: [
      'CREATE INDEX "ix_messages_room_id" ON "messages" ("room_id", "id")',
      'CREATE UNIQUE INDEX "uq_messages_client_msg" ON "messages" ("app_id", "author_id", "client_msg_id")',
    ],
    before: [
      oldKey('FK_1dda4fc8dbeeff2ee71f0088ba0', 'room_id', 'rooms'),
      'CONSTRAINT "FK_05535bc695e9f7ee104616459d3" FOREIGN KEY ("author_id") REFERENCES "users" ("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    ],
    after: [
      appKey('fk_messages_room', 'room_id', 'rooms'),
      // The two-column author key proves the app; the one-column key kept beside it still nulls author_id when
      // the user is deleted (see message.entity.ts). In this order: TypeORM names the keys it reads from this
      // text by the first constraint whose columns fit, and the one-column key's would fit both.
      appKey('fk_messages_author_app', 'author_id', 'users', 'ON DELETE NO ACTION ON UPDATE NO ACTION'),
      'CONSTRAINT "FK_05535bc695e9f7ee104616459d3" FOREIGN KEY ("author_id") REFERENCES "users" ("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    ],
  },
  {
    table: 'room_mutes',
    columns: `"id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "app_id" bigint NOT NULL, "room_id" bigint NOT NULL,
      "user_id" bigint NOT NULL, "muted_by" bigint, "minutes" integer NOT NULL, "reason" varchar(500),
      "starts_at" datetime(3) NOT NULL, "ends_at" datetime(3) NOT NULL`,
    indices: [
      'CREATE UNIQUE INDEX "uq_room_mutes_room_user" ON "room_mutes" ("room_id", "user_id")',
      'CREATE INDEX "ix_room_mutes_ends" ON "room_mutes" ("ends_at")',
    ],
    before: [oldKey('FK_018268767009f6a3a06cd8b2073', 'room_id', 'rooms'), oldKey('FK_0ff2bc6f43bf7ae9555d6047ef3', 'user_id', 'users')],
    after: [appKey('fk_room_mutes_room', 'room_id', 'rooms'), appKey('fk_room_mutes_user', 'user_id', 'users')],
  },
  {
    table: 'room_bans',
    columns: `"id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "app_id" bigint NOT NULL, "room_id" bigint NOT NULL,
      "user_id" bigint NOT NULL, "banned_by" bigint, "reason" varchar(500), "starts_at" datetime(3) NOT NULL,
      "ends_at" datetime(3)`,
    indices: [
      'CREATE UNIQUE INDEX "uq_room_bans_room_user" ON "room_bans" ("room_id", "user_id")',
      'CREATE INDEX "ix_room_bans_ends" ON "room_bans" ("ends_at")',
    ],
    before: [oldKey('FK_d275799aa383d52e09272df2ef6', 'room_id', 'rooms'), oldKey('FK_713c888b0b83f5800513c977a67', 'user_id', 'users')],
    after: [appKey('fk_room_bans_room', 'room_id', 'rooms'), appKey('fk_room_bans_user', 'user_id', 'users')],
  },
  {
    table: 'user_blocks',
    columns: `"id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "app_id" bigint NOT NULL, "blocker_id" bigint NOT NULL,
      "blocked_id" bigint NOT NULL, "created_at" datetime(3) NOT NULL`,
    indices: [
      'CREATE UNIQUE INDEX "uq_user_blocks_pair" ON "user_blocks" ("blocker_id", "blocked_id")',
      'CREATE INDEX "ix_user_blocks_blocked" ON "user_blocks" ("app_id", "blocked_id")',
    ],
    before: [oldKey('FK_dfcd8a81016d1de587fbd2d70bf', 'blocker_id', 'users'), oldKey('FK_7a0806a54f0ad9ced3e247cacd1', 'blocked_id', 'users')],
    after: [appKey('fk_user_blocks_blocker', 'blocker_id', 'users'), appKey('fk_user_blocks_blocked', 'blocked_id', 'users')],
  },
];

/**
 * Every child row names its parent together with its app_id, so the database refuses a child of
 * another app: (app_id, id) becomes a unique key of users and rooms, and each one-column key to
 * them becomes a two-column one with the same ON DELETE. SQLite cannot alter a table's keys, so
 * each child table is rebuilt the way TypeORM rebuilds one (new table, copy, drop, rename); the
 * migration runner turns foreign_keys off around it, so the copy is checked at the end instead.
 */
export class TenantKeys1764000000000 implements MigrationInterface {
  name = 'TenantKeys1764000000000';

  public async up(runner: QueryRunner): Promise<void> {
    await assertNoCrossAppRows(runner);
    await runner.query('CREATE UNIQUE INDEX "uq_users_app_id" ON "users" ("app_id", "id")');
    await runner.query('CREATE UNIQUE INDEX "uq_rooms_app_id" ON "rooms" ("app_id", "id")');
    for (const table of TABLES) await rebuild(runner, table, table.after);
    await assertKeysHold(runner);
  }

  public async down(runner: QueryRunner): Promise<void> {
    for (const table of TABLES) await rebuild(runner, table, table.before);
    await runner.query('DROP INDEX "uq_rooms_app_id"');
    await runner.query('DROP INDEX "uq_users_app_id"');
  }
}

async function rebuild(runner: QueryRunner, { table, columns, indices }: Rebuilt, keys: string[]): Promise<void> {
  await runner.query(`CREATE TABLE "temporary_${table}" (${columns}, ${keys.join(', ')})`);
  const names = columns.split(',').map((c) => c.trim().split(' ')[0]).join(', ');
  await runner.query(`INSERT INTO "temporary_${table}" (${names}) SELECT ${names} FROM "${table}"`);
  await runner.query(`DROP TABLE "${table}"`);
  await runner.query(`ALTER TABLE "temporary_${table}" RENAME TO "${table}"`);
  for (const index of indices) await runner.query(index);
}

/** With foreign_keys off nothing checked the copies: any row the new keys refuse stops the migration. */
async function assertKeysHold(runner: QueryRunner): Promise<void> {
  const broken: { table: string; parent: string }[] = await runner.query('PRAGMA foreign_key_check');
  if (broken.length > 0) {
    const tables = [...new Set(broken.map((b) => `${b.table} -> ${b.parent}`))].join(', ');
    throw new Error(`Cannot add the per-app foreign keys: ${broken.length} rows name no parent of their app (${tables}).`);
  }
}
