import { MigrationInterface, QueryRunner } from 'typeorm';
import { assertNoCrossAppRows } from '../cross-app-rows.js';

/** [table, old one-column key, its column, parent] for every key the (app_id, parent) keys replace. */
const OLD_KEYS = [
  ['user_tokens', 'FK_9e144a67be49e5bba91195ef5de', 'user_id', 'users'],
  ['room_members', 'FK_e6cf45f179a524427ddf8bacd8e', 'room_id', 'rooms'],
  ['room_members', 'FK_b2d15baf5b46ed9659bd71fbb43', 'user_id', 'users'],
  ['messages', 'FK_1dda4fc8dbeeff2ee71f0088ba0', 'room_id', 'rooms'],
  ['room_mutes', 'FK_018268767009f6a3a06cd8b2073', 'room_id', 'rooms'],
  ['room_mutes', 'FK_0ff2bc6f43bf7ae9555d6047ef3', 'user_id', 'users'],
  ['room_bans', 'FK_d275799aa383d52e09272df2ef6', 'room_id', 'rooms'],
  ['room_bans', 'FK_713c888b0b83f5800513c977a67', 'user_id', 'users'],
  ['user_blocks', 'FK_dfcd8a81016d1de587fbd2d70bf', 'blocker_id', 'users'],
  ['user_blocks', 'FK_7a0806a54f0ad9ced3e247cacd1', 'blocked_id', 'users'],
] as const;

/** [table, key, column, parent, on delete] of the keys that name the parent with its app. */
const NEW_KEYS = [
  ['user_tokens', 'fk_user_tokens_user', 'user_id', 'users', 'CASCADE'],
  ['room_members', 'fk_room_members_room', 'room_id', 'rooms', 'CASCADE'],
  ['room_members', 'fk_room_members_user', 'user_id', 'users', 'CASCADE'],
  ['messages', 'fk_messages_room', 'room_id', 'rooms', 'CASCADE'],
  // Beside the one-column author key, which keeps ON DELETE SET NULL (see message.entity.ts).
  ['messages', 'fk_messages_author_app', 'author_id', 'users', 'NO ACTION'],
  ['room_mutes', 'fk_room_mutes_room', 'room_id', 'rooms', 'CASCADE'],
  ['room_mutes', 'fk_room_mutes_user', 'user_id', 'users', 'CASCADE'],
  ['room_bans', 'fk_room_bans_room', 'room_id', 'rooms', 'CASCADE'],
  ['room_bans', 'fk_room_bans_user', 'user_id', 'users', 'CASCADE'],
  ['user_blocks', 'fk_user_blocks_blocker', 'blocker_id', 'users', 'CASCADE'],
  ['user_blocks', 'fk_user_blocks_blocked', 'blocked_id', 'users', 'CASCADE'],
] as const;

/**
 * Every child row names its parent together with its app_id, so the database refuses a child of
 * another app: (app_id, id) becomes a unique key of users and rooms, and each one-column key to
 * them becomes a two-column one with the same ON DELETE.
 */
export class TenantKeys1764000000000 implements MigrationInterface {
  name = 'TenantKeys1764000000000';

  public async up(runner: QueryRunner): Promise<void> {
    await assertNoCrossAppRows(runner);
    await runner.query('CREATE UNIQUE INDEX `uq_users_app_id` ON `users` (`app_id`, `id`)');
    await runner.query('CREATE UNIQUE INDEX `uq_rooms_app_id` ON `rooms` (`app_id`, `id`)');
    for (const [table, key] of OLD_KEYS) await dropKey(runner, table, key);
    for (const [table, key, column, parent, onDelete] of NEW_KEYS) {
      await runner.query(`ALTER TABLE \`${table}\` ADD CONSTRAINT \`${key}\` FOREIGN KEY (\`app_id\`, \`${column}\`) `
        + `REFERENCES \`${parent}\`(\`app_id\`, \`id\`) ON DELETE ${onDelete} ON UPDATE NO ACTION`);
    }
  }

  public async down(runner: QueryRunner): Promise<void> {
    for (const [table, key] of NEW_KEYS) await dropKey(runner, table, key);
    for (const [table, key, column, parent] of OLD_KEYS) {
      await runner.query(`ALTER TABLE \`${table}\` ADD CONSTRAINT \`${key}\` FOREIGN KEY (\`${column}\`) `
        + `REFERENCES \`${parent}\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    }
    await runner.query('DROP INDEX `uq_rooms_app_id` ON `rooms`');
    await runner.query('DROP INDEX `uq_users_app_id` ON `users`');
  }
}

/**
 * Drops a foreign key and the index the server made for it when no other index served (InnoDB
 * names it after the key and keeps it when the key goes; TypeORM would then see an index no entity declares).
 */
async function dropKey(runner: QueryRunner, table: string, key: string): Promise<void> {
  await runner.query(`ALTER TABLE \`${table}\` DROP FOREIGN KEY \`${key}\``);
  const [index] = await runner.query(
    'SELECT COUNT(*) AS n FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? AND index_name = ?',
    [table, key]);
  if (Number(index?.n ?? 0) > 0) await runner.query(`DROP INDEX \`${key}\` ON \`${table}\``);
}
