import { QueryRunner } from 'typeorm';

/** Every child column that names a row of another tenant-owned table, which must be of the same app. */
export const TENANT_KEYS = [
  { table: 'user_tokens', column: 'user_id', parent: 'users' },
  { table: 'room_members', column: 'room_id', parent: 'rooms' },
  { table: 'room_members', column: 'user_id', parent: 'users' },
  { table: 'messages', column: 'room_id', parent: 'rooms' },
  { table: 'messages', column: 'author_id', parent: 'users' },
  { table: 'room_mutes', column: 'room_id', parent: 'rooms' },
  { table: 'room_mutes', column: 'user_id', parent: 'users' },
  { table: 'room_bans', column: 'room_id', parent: 'rooms' },
  { table: 'room_bans', column: 'user_id', parent: 'users' },
  { table: 'user_blocks', column: 'blocker_id', parent: 'users' },
  { table: 'user_blocks', column: 'blocked_id', parent: 'users' },
] as const;

/**
 * Stops a migration that adds the (app_id, parent) keys before it changes anything when a child
 * row names a parent of another app: those rows are a tenancy breach to look at, not data to drop.
 * The same SQL on both drivers.
 */
export async function assertNoCrossAppRows(runner: QueryRunner): Promise<void> {
  const found: string[] = [];
  for (const { table, column, parent } of TENANT_KEYS) {
    const [row] = await runner.query(
      `SELECT COUNT(*) AS n FROM ${table} c JOIN ${parent} p ON p.id = c.${column} WHERE p.app_id <> c.app_id`);
    const count = Number(row?.n ?? 0);
    if (count > 0) found.push(`${table}.${column}: ${count} row${count === 1 ? '' : 's'}`);
  }
  if (found.length > 0) {
    throw new Error(`Cannot add the per-app foreign keys: these rows name a parent of another app (${found.join('; ')}). `
      + 'Nothing was changed; correct or remove those rows, then start again.');
  }
}
