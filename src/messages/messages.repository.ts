import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppScope } from '../database/app-scope.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { containsPattern } from '../database/like-pattern.js';
import { ScopedRepository } from '../database/scoped-repository.js';
import { RawSql } from '../database/raw-sql.js';
import { joined, list, scoped, sql, TenantInsert } from '../database/tenant-sql.js';
import { toDate } from '../users/users.repository.js';
import { UserRoleValue } from '../users/user.entity.js';
import type { AttachmentFile } from '../media/attachment.model.js';
import { MessageEntity, MessageKindValue } from './message.entity.js';

/** A message with its author's columns, as history and live events need them. */
export interface MessageRow {
  id: string;
  roomId: string;
  authorId: string | null;
  kind: MessageKindValue;
  text: string | null;
  meta: Record<string, unknown> | null;
  clientMsgId: string | null;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  attachments: readonly AttachmentFile[];
  author: {
    id: string; externalId: string | null; uname: string; displayName: string | null; role: UserRoleValue;
    isBot: boolean; meta: Record<string, unknown> | null; createdAt: Date;
  } | null;
}

export interface NewMessage {
  roomId: string;
  authorId: string | null;
  kind: MessageKindValue;
  text: string;
  meta: Record<string, unknown> | null;
  clientMsgId: string | null;
  /** The files of a FILE message (none otherwise). */
  attachments?: readonly AttachmentFile[];
  /** When it was sent; now when left out. */
  createdAt?: Date;
}

export interface PageQuery {
  before?: string | null;
  after?: string | null;
  limit: number;
}

const COLUMNS = sql`m.id AS id, m.room_id AS room_id, m.author_id AS author_id, m.kind AS kind, m.text AS text, m.meta AS meta,
  m.client_msg_id AS client_msg_id, m.attachments AS attachments, m.created_at AS created_at, m.edited_at AS edited_at, m.deleted_at AS deleted_at,
  u.id AS u_id, u.external_id AS u_external_id, u.uname AS u_uname, u.display_name AS u_display_name, u.role AS u_role,
  u.is_bot AS u_is_bot, u.meta AS u_meta, u.created_at AS u_created_at`;

const INSERT = new TenantInsert('messages', ['room_id', 'author_id', 'kind', 'text', 'meta', 'client_msg_id', 'attachments', 'created_at']);

/** The history index, named so neither planner can walk another one (MariaDB otherwise may). */
const HISTORY_INDEX = { sqlite: sql`INDEXED BY ix_messages_room_id`, mysql: sql`FORCE INDEX (ix_messages_room_id)` };
const EMPTY = sql``;
const ASC = sql`ASC`;
const DESC = sql`DESC`;

const json = (value: unknown) => (value === null || value === undefined || value === '' ? null : JSON.parse(String(value)));

/** Leaves out messages of authors the reader blocked. */
function notBy(authors: readonly string[]) {
  return authors.length ? sql` AND (m.author_id IS NULL OR m.author_id NOT IN (${list(authors)}))` : EMPTY;
}

function toRow(raw: Record<string, unknown>): MessageRow {
  return {
    id: String(raw.id), roomId: String(raw.room_id), authorId: raw.author_id == null ? null : String(raw.author_id),
    kind: raw.kind as MessageKindValue, text: (raw.text as string | null) ?? null, meta: json(raw.meta),
    clientMsgId: (raw.client_msg_id as string | null) ?? null, createdAt: toDate(raw.created_at)!,
    editedAt: toDate(raw.edited_at), deletedAt: toDate(raw.deleted_at), attachments: json(raw.attachments) ?? [],
    author: raw.u_id == null ? null : {
      id: String(raw.u_id), externalId: (raw.u_external_id as string | null) ?? null, uname: String(raw.u_uname),
      displayName: (raw.u_display_name as string | null) ?? null, role: raw.u_role as UserRoleValue,
      isBot: Boolean(Number(raw.u_is_bot)), meta: json(raw.u_meta), createdAt: toDate(raw.u_created_at)!,
    },
  };
}

@Injectable()
export class MessagesRepository extends ScopedRepository<MessageEntity> {
  constructor(db: DataSource, private readonly raw: RawSql) {
    super(db, MessageEntity, 'message');
  }

  private get historyIndexHint() {
    return this.db.options.type === 'better-sqlite3' ? HISTORY_INDEX.sqlite : HISTORY_INDEX.mysql;
  }

  /** Inserts (its id), or returns the message this author already sent with this clientMsgId (its row). */
  async insertOnce(scope: AppScope, values: NewMessage): Promise<{ created: true; id: string } | { created: false; id: string; row: MessageRow }> {
    try {
      return { created: true, id: (await this.appendMany([{ scope, values }]))[0] };
    } catch (error) {
      if (!isUniqueViolation(error) || values.clientMsgId === null || values.authorId === null) throw error;
    }
    const row = await this.findByClientMsgId(scope, values.authorId, values.clientMsgId);
    if (!row) throw new Error('clientMsgId conflict without a row');
    return { created: false, id: row.id, row };
  }

  /**
   * Appends messages (of any apps, each stamped with its own) in one multi-row INSERT, which
   * commits on its own: one statement, all rows or none. Returns their ids in the order given.
   * A repeated clientMsgId fails the whole statement (unique key): insertOnce answers for those.
   */
  async appendMany(items: readonly { scope: AppScope; values: NewMessage }[]): Promise<string[]> {
    if (items.length === 0) return [];
    const params: unknown[] = [];
    for (const { scope, values } of items) {
      INSERT.row(params, scope).push(values.roomId, values.authorId, values.kind, values.text,
        values.meta === null ? null : JSON.stringify(values.meta), values.clientMsgId,
        values.attachments?.length ? JSON.stringify(values.attachments) : null, values.createdAt ?? new Date());
    }
    const ids = await this.raw.insert(INSERT.sql(items.length, params), params, items.length);
    return ids.map(String);
  }

  /** Finds a prior send of this clientMsgId. */
  async findByClientMsgId(scope: AppScope, authorId: string, clientMsgId: string): Promise<MessageRow | null> {
    return (await this.findByClientMsgIds(scope, [{ authorId, clientMsgId }]))[0] ?? null;
  }

  /** The prior sends of these (author, clientMsgId) pairs that exist, in one query on their unique key. */
  async findByClientMsgIds(scope: AppScope, sends: readonly { authorId: string; clientMsgId: string }[]): Promise<MessageRow[]> {
    if (sends.length === 0) return [];
    const either = joined(sends.map((send) => sql`(m.author_id = ${send.authorId} AND m.client_msg_id = ${send.clientMsgId})`), 'OR');
    const rows = await this.raw.select(...scoped(scope, sql`SELECT ${COLUMNS} FROM messages m LEFT JOIN users u ON u.id = m.author_id
       WHERE ${either}`));
    return rows.map(toRow);
  }

  async findById(scope: AppScope, id: string): Promise<MessageRow | null> {
    const rows = await this.raw.select(...scoped(scope,
      sql`SELECT ${COLUMNS} FROM messages m LEFT JOIN users u ON u.id = m.author_id WHERE m.id = ${id}`));
    return rows[0] ? toRow(rows[0]) : null;
  }

  /**
   * unscoped: the webhook materialiser reads every app's new messages. The ids (with their app)
   * after `afterId`, oldest first, at most `limit`, and those of `alsoIds` that exist now: two
   * statements on the primary key, read as committed (outside any transaction).
   */
  async idsAfter(afterId: string, limit: number, alsoIds: readonly string[]): Promise<{ id: string; appId: string }[]> {
    const rows = await this.raw.select<{ id: unknown; app_id: unknown }>('SELECT id, app_id FROM messages WHERE id > ? ORDER BY id LIMIT ?', [afterId, limit]);
    const found = alsoIds.length === 0 ? [] : await this.raw.select<{ id: unknown; app_id: unknown }>(
      `SELECT id, app_id FROM messages WHERE id IN (${alsoIds.map(() => '?').join(', ')})`, alsoIds);
    return [...found, ...rows].map((row) => ({ id: String(row.id), appId: String(row.app_id) }));
  }

  async findByIds(scope: AppScope, ids: readonly string[]): Promise<MessageRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.raw.select(...scoped(scope, sql`SELECT ${COLUMNS} FROM messages m LEFT JOIN users u ON u.id = m.author_id
       WHERE m.id IN (${list(ids)})`));
    return rows.map(toRow);
  }

  /**
   * One page of a room's history by id range, oldest first, and whether more lie beyond it.
   * Without `after`, the page is the newest one before `before` (or the newest of all).
   * `excludeAuthors` leaves out authors the reader blocked.
   */
  async page(scope: AppScope, roomId: string, query: PageQuery, excludeAuthors: readonly string[] = []): Promise<{ rows: MessageRow[]; hasMore: boolean }> {
    const after = query.after ? sql` AND m.id > ${query.after}` : EMPTY;
    const before = query.before ? sql` AND m.id < ${query.before}` : EMPTY;
    const ascending = Boolean(query.after);
    const rows = await this.raw.select(...scoped(scope,
      sql`SELECT ${COLUMNS} FROM messages m ${this.historyIndexHint} LEFT JOIN users u ON u.id = m.author_id
       WHERE m.room_id = ${roomId}${after}${before}${notBy(excludeAuthors)} ORDER BY m.id ${ascending ? ASC : DESC} LIMIT ${query.limit + 1}`));
    const hasMore = rows.length > query.limit;
    const page = rows.slice(0, query.limit).map(toRow);
    return { rows: ascending ? page : page.reverse(), hasMore };
  }

  /** The plan the newest-page query gets on this database (for the index test and operators). */
  async explainPage(scope: AppScope, roomId: string, before: string | null): Promise<Record<string, unknown>[]> {
    const prefix = this.db.options.type === 'better-sqlite3' ? sql`EXPLAIN QUERY PLAN` : sql`EXPLAIN`;
    return this.db.query(...scoped(scope,
      sql`${prefix} SELECT m.id FROM messages m ${this.historyIndexHint} WHERE m.room_id = ${roomId}${before ? sql` AND m.id < ${before}` : EMPTY}
       ORDER BY m.id DESC LIMIT 51`));
  }

  /** Text search inside one room, newest first; deleted messages never match. */
  async search(scope: AppScope, roomId: string, text: string, limit: number, excludeAuthors: readonly string[] = []): Promise<MessageRow[]> {
    const rows = await this.raw.select(...scoped(scope,
      sql`SELECT ${COLUMNS} FROM messages m ${this.historyIndexHint} LEFT JOIN users u ON u.id = m.author_id
       WHERE m.room_id = ${roomId} AND m.deleted_at IS NULL AND m.text LIKE ${containsPattern(text)} ESCAPE '!'${notBy(excludeAuthors)}
       ORDER BY m.id DESC LIMIT ${limit}`));
    return rows.map(toRow);
  }

  /** The newest message of each room, in two indexed queries. */
  async lastOfRooms(scope: AppScope, roomIds: readonly string[]): Promise<Map<string, MessageRow>> {
    if (roomIds.length === 0) return new Map();
    const latest = await this.raw.select<{ room_id: unknown; last_id: unknown }>(...scoped(scope,
      sql`SELECT m.room_id AS room_id, MAX(m.id) AS last_id FROM messages m ${this.historyIndexHint}
       WHERE m.room_id IN (${list(roomIds)}) GROUP BY m.room_id`));
    const rows = await this.findByIds(scope, latest.map((r) => String(r.last_id)));
    return new Map(rows.map((row) => [row.roomId, row]));
  }

  /** Per room, messages after the reader's read position that others sent and nobody deleted. */
  async unreadCounts(scope: AppScope, userId: string, roomIds: readonly string[]): Promise<Map<string, number>> {
    if (roomIds.length === 0) return new Map();
    const rows = await this.raw.select<{ room_id: unknown; unread: unknown }>(...scoped(scope,
      sql`SELECT m.room_id AS room_id, COUNT(*) AS unread
       FROM room_members rm JOIN messages m ${this.historyIndexHint} ON m.room_id = rm.room_id AND m.id > COALESCE(rm.last_read_message_id, 0)
       WHERE rm.user_id = ${userId} AND rm.room_id IN (${list(roomIds)})
         AND m.deleted_at IS NULL AND (m.author_id IS NULL OR m.author_id <> ${userId})
       GROUP BY m.room_id`));
    return new Map(rows.map((r) => [String(r.room_id), Number(r.unread)]));
  }

  async setText(scope: AppScope, id: string, text: string, at: Date): Promise<void> {
    await this.update(scope, { id }, { text, editedAt: at });
  }

  /** Leaves a tombstone: the row keeps its place in history without its text, meta or files. */
  async tombstone(scope: AppScope, id: string, at: Date): Promise<void> {
    await this.update(scope, { id }, { text: null, meta: null, attachments: null, deletedAt: at });
  }

  async setMeta(scope: AppScope, id: string, meta: Record<string, unknown> | null): Promise<void> {
    await this.update(scope, { id }, { meta });
  }

  /** Whether the message exists in the room (for read positions). */
  async existsInRoom(scope: AppScope, roomId: string, id: string): Promise<boolean> {
    return (await this.select(scope).andWhere('message.roomId = :roomId AND message.id = :id', { roomId, id }).getCount()) > 0;
  }
}
