import { AppScope } from './app-scope.js';

/**
 * Raw statements (the hot paths RawSql runs) get their app predicate here, never by hand.
 *
 *   const [text, params] = scoped(scope, sql`SELECT … FROM messages m LEFT JOIN users u ON u.id = m.author_id
 *                                            WHERE m.room_id = ${roomId} AND m.id IN (${list(ids)})`);
 *
 * becomes `… LEFT JOIN users u ON u.app_id = ? AND (u.id = m.author_id) WHERE m.app_id = ? AND (m.room_id = ? AND m.id IN (?, ?))`
 * with the scope's app id in each predicate's place: every table of an app named after FROM or JOIN,
 * joins included, is held to the scope. `${value}` is always a bound parameter; SQL text goes in
 * as a nested sql`…` template (built once where it is constant), a list(…) of values or joined(…) templates.
 *
 * A statement is read once per template (the tag's strings array is the same object on every call
 * of one call site), so a call costs what building the text and parameters by hand cost.
 * Shapes it cannot scope are refused when first run, so a repository spec catches them:
 * a table of an app without an alias, a FROM without a WHERE (or a JOIN without an ON) in the same
 * template, a table it does not know, a hand-written `?` or `app_id`.
 */
export class SqlTemplate {
  constructor(readonly strings: TemplateStringsArray, readonly values: readonly unknown[]) {}
}

/** A list of bound values, as `?, ?, ?` (for IN). */
export class SqlList {
  constructor(readonly values: readonly unknown[]) {}
}

/** Templates one after another with a separator between them (for OR of several conditions). */
export class SqlJoin {
  constructor(readonly parts: readonly SqlTemplate[], readonly separator: string) {}
}

export function sql(strings: TemplateStringsArray, ...values: unknown[]): SqlTemplate {
  return new SqlTemplate(strings, values);
}

export function list(values: readonly unknown[]): SqlList {
  return new SqlList(values);
}

export function joined(parts: readonly SqlTemplate[], separator: 'AND' | 'OR'): SqlJoin {
  return new SqlJoin(parts, ` ${separator} `);
}

/** The tables whose rows belong to one app (they have app_id). `apps` is the only other table. */
const TENANT_TABLES = new Set([
  'users', 'user_tokens', 'rooms', 'room_members', 'messages', 'room_mutes', 'room_bans', 'reports', 'user_blocks', 'audit_log', 'media',
  'webhooks', 'webhook_deliveries', 'webhook_attempts',
]);
const OTHER_TABLES = new Set(['apps']);

/** The template's strings with the predicates written in, and how many app ids each piece binds. */
interface Plan {
  pieces: string[];
  appIds: number[];
}

const plans = new WeakMap<TemplateStringsArray, Plan>();

/** The statement's text and parameters, every table of an app held to the scope. */
export function scoped(scope: AppScope, template: SqlTemplate): [string, unknown[]] {
  const params: unknown[] = [];
  return [render(scope.appId, template, params), params];
}

function render(appId: string, template: SqlTemplate, params: unknown[]): string {
  let plan = plans.get(template.strings);
  if (!plan) {
    plan = planOf(template.strings);
    plans.set(template.strings, plan);
  }
  let text = '';
  const { values } = template;
  for (let i = 0; i < plan.pieces.length; i++) {
    text += plan.pieces[i];
    for (let n = plan.appIds[i]; n > 0; n--) params.push(appId);
    if (i === values.length) break;
    const value = values[i];
    if (value instanceof SqlTemplate) text += render(appId, value, params);
    else if (value instanceof SqlList) text += placeholders(value.values, params);
    else if (value instanceof SqlJoin) {
      if (value.parts.length === 0) throw new Error('joined() of no parts');
      for (let p = 0; p < value.parts.length; p++) text += (p > 0 ? value.separator : '') + render(appId, value.parts[p], params);
    }
    else {
      text += '?';
      params.push(value);
    }
  }
  return text;
}

function placeholders(values: readonly unknown[], params: unknown[]): string {
  if (values.length === 0) throw new Error('list() of no values: SQL has no empty IN list');
  let text = '?';
  params.push(values[0]);
  for (let i = 1; i < values.length; i++) {
    text += ', ?';
    params.push(values[i]);
  }
  return text;
}

interface Token {
  /** Upper-cased word, or the character itself; '$' stands for a ${} between two pieces. */
  word: string;
  piece: number;
  start: number;
  end: number;
  depth: number;
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;

function tokenize(strings: readonly string[]): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  strings.forEach((text, piece) => {
    if (piece > 0) tokens.push({ word: '$', piece, start: 0, end: 0, depth });
    for (let at = 0; at < text.length;) {
      const c = text[at];
      if (c === "'" || c === '"' || c === '`') {
        const close = text.indexOf(c, at + 1);
        if (close < 0) throw new Error(`scoped SQL: a quoted name or string must end in the same piece: ${text}`);
        at = close + 1;
      } else if (c === '?') {
        throw new Error(`scoped SQL: write values as \${value}, not ?: ${strings.join('${}')}`);
      } else if (c === ',') {
        tokens.push({ word: c, piece, start: at, end: at + 1, depth });
        at++;
      } else if (c === '(' || c === ')') {
        if (c === ')') depth--;
        tokens.push({ word: c, piece, start: at, end: at + 1, depth });
        if (c === '(') depth++;
        at++;
      } else {
        WORD.lastIndex = at;
        const match = WORD.exec(text);
        if (match) {
          tokens.push({ word: match[0].toUpperCase(), piece, start: at, end: at + match[0].length, depth });
          at += match[0].length;
        } else at++;
      }
    }
  });
  return tokens;
}

const NOT_ALIASES = new Set([',', 'WHERE', 'JOIN', 'LEFT', 'RIGHT', 'INNER', 'CROSS', 'ON', 'GROUP', 'ORDER', 'LIMIT', 'INDEXED', 'FORCE', 'USE', '$']);
const WHERE_ENDS = new Set(['GROUP', 'ORDER', 'LIMIT', 'HAVING', 'UNION']);
const ON_ENDS = new Set(['JOIN', 'LEFT', 'RIGHT', 'INNER', 'CROSS', 'WHERE', ...WHERE_ENDS]);

function planOf(strings: TemplateStringsArray): Plan {
  const statement = strings.join('${}');
  const tokens = tokenize(strings);
  const inserts: { piece: number; at: number; text: string; appIds: number }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const { word, depth } = tokens[i];
    if (word === 'APP_ID') throw new Error(`scoped SQL: the app predicate is added by scoped(), not written: ${statement}`);
    if (word !== 'FROM' && word !== 'JOIN') continue;
    const table = tokens[i + 1]?.word.toLowerCase();
    if (!table || table === '$' || table === '(') throw new Error(`scoped SQL: name the table after ${word} in the template: ${statement}`);
    if (OTHER_TABLES.has(table)) continue;
    if (!TENANT_TABLES.has(table)) throw new Error(`scoped SQL: unknown table ${table}: ${statement}`);
    let aliasAt = i + 2;
    if (tokens[aliasAt]?.word === 'AS') aliasAt++;
    const alias = tokens[aliasAt];
    if (!alias || NOT_ALIASES.has(alias.word)) throw new Error(`scoped SQL: give ${table} an alias: ${statement}`);
    const aliasText = strings[alias.piece].slice(alias.start, alias.end);
    // `FROM a x, b y` would leave b unscoped: every further table comes in through a JOIN … ON.
    if (tokens[aliasAt + 1]?.word === ',' && tokens[aliasAt + 1].depth === depth) throw new Error(`scoped SQL: join ${table} ${aliasText} to the next table with JOIN … ON, not a comma: ${statement}`);
    const opener = word === 'FROM' ? 'WHERE' : 'ON';
    const open = find(tokens, aliasAt + 1, depth, (t) => t.word === opener);
    if (open < 0) throw new Error(`scoped SQL: ${table} ${aliasText} needs its ${opener} in the same template: ${statement}`);
    const ends = word === 'FROM' ? WHERE_ENDS : ON_ENDS;
    const close = find(tokens, open + 1, depth, (t) => ends.has(t.word), true);
    inserts.push({ piece: tokens[open].piece, at: tokens[open].end, text: ` ${aliasText}.app_id = ? AND (`, appIds: 1 });
    if (close < 0) inserts.push({ piece: strings.length - 1, at: strings[strings.length - 1].length, text: ')', appIds: 0 });
    else inserts.push({ piece: tokens[close].piece, at: tokens[close].start, text: ') ', appIds: 0 });
  }
  const pieces = [...strings];
  const appIds = strings.map(() => 0);
  // From the end of each piece backwards, so earlier offsets stay right.
  inserts.sort((a, b) => a.piece - b.piece || b.at - a.at);
  for (const insert of inserts) {
    const text = pieces[insert.piece];
    pieces[insert.piece] = text.slice(0, insert.at) + insert.text + text.slice(insert.at);
    appIds[insert.piece] += insert.appIds;
  }
  return { pieces, appIds };
}

/**
 * The next token from `from` on at this depth that matches; -1 when the text ends first. When the
 * depth closes first: that `)` if it ends a clause (`orClose`), else -1.
 */
function find(tokens: Token[], from: number, depth: number, match: (t: Token) => boolean, orClose = false): number {
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.depth < depth) return orClose ? i : -1;
    if (t.depth === depth && t.word !== '(' && t.word !== ')' && match(t)) return i;
  }
  return -1;
}

/**
 * A raw multi-row INSERT into a table of an app, each row stamped with its own scope's app id
 * (rows of several apps may share one statement). Built once; a call allocates nothing of its own.
 *
 *   const params: unknown[] = [];
 *   for (const { scope, values } of items) INSERT.row(params, scope).push(values.roomId, …);
 *   await raw.insert(INSERT.sql(items.length, params), params, items.length);
 */
export class TenantInsert {
  private readonly head: string;
  private readonly placeholders: string;
  private readonly width: number;

  constructor(table: string, columns: readonly string[]) {
    if (!TENANT_TABLES.has(table)) throw new Error(`TenantInsert: ${table} is not a table of an app`);
    if (columns.includes('app_id')) throw new Error('TenantInsert: app_id comes from each row\'s scope');
    this.head = `INSERT INTO ${table} (app_id, ${columns.join(', ')}) VALUES `;
    this.width = columns.length + 1;
    this.placeholders = `(${Array(this.width).fill('?').join(', ')}),`;
  }

  /** Starts a row: pushes its app id; push the columns' values after it, in order. */
  row(params: unknown[], scope: AppScope): unknown[] {
    params.push(scope.appId);
    return params;
  }

  /** The statement for this many rows, once their parameters are all there. */
  sql(rows: number, params: readonly unknown[]): string {
    if (rows < 1 || params.length !== rows * this.width) {
      throw new Error(`TenantInsert: ${params.length} values for ${rows} rows of ${this.width} columns`);
    }
    return this.head + this.placeholders.repeat(rows).slice(0, -1);
  }
}
