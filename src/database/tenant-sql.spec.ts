import { scopeOf } from './app-scope.js';
import { joined, list, scoped, sql, TenantInsert } from './tenant-sql.js';

const a = scopeOf('7');
/** The text with its whitespace made single, none inside parentheses: what the statements say, not how they are spaced. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim();

describe('scoped', () => {
  it('holds the FROM table to the scope in WHERE and each joined table in its ON, values in order', () => {
    const [text, params] = scoped(a, sql`SELECT m.id FROM messages m LEFT JOIN users u ON u.id = m.author_id
      WHERE m.room_id = ${'3'} AND m.id < ${'90'} ORDER BY m.id DESC LIMIT ${51}`);
    expect(oneLine(text)).toBe('SELECT m.id FROM messages m LEFT JOIN users u ON u.app_id = ? AND (u.id = m.author_id) '
      + 'WHERE m.app_id = ? AND (m.room_id = ? AND m.id < ?) ORDER BY m.id DESC LIMIT ?');
    expect(params).toEqual(['7', '7', '3', '90', 51]);
  });

  it('keeps a top-level OR inside the tenant predicate', () => {
    const either = joined([sql`m.id = ${'1'}`, sql`m.id = ${'2'}`], 'OR');
    const [text, params] = scoped(a, sql`SELECT m.id FROM messages m WHERE ${either}`);
    expect(oneLine(text)).toBe('SELECT m.id FROM messages m WHERE m.app_id = ? AND (m.id = ? OR m.id = ?)');
    expect(params).toEqual(['7', '1', '2']);
  });

  it('scopes an inner JOIN between FROM and WHERE, with an index hint between alias and ON', () => {
    const hint = sql`INDEXED BY ix_messages_room_id`;
    const [text, params] = scoped(a, sql`SELECT COUNT(*) AS n FROM room_members rm JOIN messages m ${hint} ON m.room_id = rm.room_id
      AND m.id > COALESCE(rm.last_read_message_id, 0) WHERE rm.user_id = ${'5'} AND rm.room_id IN (${list(['1', '2'])}) GROUP BY m.room_id`);
    expect(oneLine(text)).toBe('SELECT COUNT(*) AS n FROM room_members rm JOIN messages m INDEXED BY ix_messages_room_id '
      + 'ON m.app_id = ? AND (m.room_id = rm.room_id AND m.id > COALESCE(rm.last_read_message_id, 0)) '
      + 'WHERE rm.app_id = ? AND (rm.user_id = ? AND rm.room_id IN (?, ?)) GROUP BY m.room_id');
    expect(params).toEqual(['7', '7', '5', '1', '2']);
  });

  it('renders nested templates in place, scoped too, and the same call site again with other values', () => {
    const page = (before: string | null) => scoped(a, sql`SELECT m.id FROM messages m WHERE m.room_id = ${'3'}${before ? sql` AND m.id < ${before}` : sql``} LIMIT ${2}`);
    const [first, firstParams] = page('9');
    expect(oneLine(first)).toBe('SELECT m.id FROM messages m WHERE m.app_id = ? AND (m.room_id = ? AND m.id < ?) LIMIT ?');
    expect(firstParams).toEqual(['7', '3', '9', 2]);
    const [second, secondParams] = page(null);
    expect(oneLine(second)).toBe('SELECT m.id FROM messages m WHERE m.app_id = ? AND (m.room_id = ?) LIMIT ?');
    expect(secondParams).toEqual(['7', '3', 2]);
    const [text, params] = scoped(scopeOf('8'), sql`SELECT r.id FROM rooms r WHERE r.id IN (${sql`SELECT b.room_id FROM room_bans b WHERE b.user_id = ${'4'}`})`);
    expect(oneLine(text)).toBe('SELECT r.id FROM rooms r WHERE r.app_id = ? AND (r.id IN (SELECT b.room_id FROM room_bans b WHERE b.app_id = ? AND (b.user_id = ?)))');
    expect(params).toEqual(['8', '8', '4']);
  });

  it('closes the predicate before a subquery ends', () => {
    const [text] = scoped(a, sql`SELECT r.id FROM rooms r WHERE r.id IN (SELECT rm.room_id FROM room_members rm WHERE rm.user_id = ${'1'}) ORDER BY r.id`);
    expect(oneLine(text)).toBe('SELECT r.id FROM rooms r WHERE r.app_id = ? AND (r.id IN (SELECT rm.room_id FROM room_members rm '
      + 'WHERE rm.app_id = ? AND (rm.user_id = ?))) ORDER BY r.id');
  });

  it('leaves apps (the tenants themselves) and quoted text alone', () => {
    const [text, params] = scoped(a, sql`SELECT u.id FROM users u JOIN apps x ON x.id = u.id WHERE u.uname LIKE ${'a%'} ESCAPE '!'`);
    expect(oneLine(text)).toBe("SELECT u.id FROM users u JOIN apps x ON x.id = u.id WHERE u.app_id = ? AND (u.uname LIKE ? ESCAPE '!')");
    expect(params).toEqual(['7', 'a%']);
  });

  it.each([
    ['a hand-written placeholder', () => sql`SELECT m.id FROM messages m WHERE m.id = ?`, /not \?/],
    ['a hand-written app predicate', () => sql`SELECT m.id FROM messages m WHERE m.app_id = ${'1'}`, /added by scoped/],
    ['a table without an alias', () => sql`SELECT id FROM messages WHERE id = ${'1'}`, /give messages an alias/],
    ['a FROM without a WHERE', () => sql`SELECT m.id FROM messages m ORDER BY m.id`, /needs its WHERE/],
    ['a JOIN without an ON', () => sql`SELECT m.id FROM messages m JOIN users u WHERE m.id = ${'1'}`, /needs its ON/],
    ['a comma join (its second table would go unscoped)', () => sql`SELECT m.id FROM messages m, users u WHERE u.id = m.author_id`, /JOIN … ON, not a comma/],
    ['a table it does not know', () => sql`SELECT x.id FROM sessions x WHERE x.id = ${'1'}`, /unknown table sessions/],
    ['a table given as a value', () => sql`SELECT m.id FROM ${'messages'} m WHERE m.id = ${'1'}`, /name the table/],
    ['an empty list', () => sql`SELECT m.id FROM messages m WHERE m.id IN (${list([])})`, /no empty IN list/],
  ])('refuses %s', (_, statement, message) => {
    expect(() => scoped(a, statement())).toThrow(message);
  });
});

describe('TenantInsert', () => {
  const insert = new TenantInsert('messages', ['room_id', 'text']);

  it('stamps each row with its own scope, rows of several apps in one statement', () => {
    const params: unknown[] = [];
    insert.row(params, a).push('1', 'hi');
    insert.row(params, scopeOf('8')).push('2', 'there');
    expect(insert.sql(2, params)).toBe('INSERT INTO messages (app_id, room_id, text) VALUES (?, ?, ?),(?, ?, ?)');
    expect(params).toEqual(['7', '1', 'hi', '8', '2', 'there']);
  });

  it('refuses a row count its values do not fill, an app_id column and a table of no app', () => {
    const params: unknown[] = [];
    insert.row(params, a).push('1');
    expect(() => insert.sql(1, params)).toThrow(/2 values for 1 rows of 3 columns/);
    expect(() => new TenantInsert('messages', ['app_id', 'text'])).toThrow(/scope/);
    expect(() => new TenantInsert('apps', ['name'])).toThrow(/not a table of an app/);
  });
});
