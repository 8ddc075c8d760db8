import { Injectable } from '@nestjs/common';
import { badInput, forbidden, notFound } from '../common/errors/chat-error.js';
import type { ScopedPrincipal } from '../principal/principal.js';
import { applyMetaPatch, MetaPatchInput } from '../common/graphql/meta-patch.input.js';
import { DeleteResult, deleted, notDeleted } from '../common/graphql/delete-result.model.js';
import { AppScope } from '../database/app-scope.js';
import { EventBus } from '../realtime/event-bus.js';
import { EventOutbox } from '../realtime/event-outbox.js';
import { PresenceService } from '../realtime/presence.service.js';
import { CreateUserInput } from './create-user.input.js';
import { toUser, User, UserRole } from './user.model.js';
import { UserCache } from './user.cache.js';
import { UsersRepository } from './users.repository.js';

/** Longest meta object accepted, serialised. */
export const MAX_META_BYTES = 8 * 1024;

export function assertMetaSize(meta: Record<string, unknown> | null | undefined): void {
  if (meta && Buffer.byteLength(JSON.stringify(meta)) > MAX_META_BYTES) throw badInput(`meta must be at most ${MAX_META_BYTES} bytes of JSON`);
}

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly cache: UserCache,
    private readonly presence: PresenceService,
    private readonly events: EventBus,
    private readonly outbox: EventOutbox,
  ) {}

  async create(scope: AppScope, input: CreateUserInput): Promise<User> {
    assertMetaSize(input.meta);
    const row = await this.users.insert(scope, {
      uname: input.uname,
      externalId: input.externalId ?? null,
      displayName: input.displayName?.trim() || null,
      role: input.role ?? UserRole.MEMBER,
      isBot: input.isBot ?? false,
      meta: input.meta ?? null,
    });
    const user = toUser(row);
    const event = { type: 'user.created' as const, appId: scope.appId, roomId: null, user };
    await this.outbox.recordAfter([event]); // one INSERT, no transaction: recorded right after it
    await this.events.publish(event);
    return user;
  }

  /** `me` and `user(id)`: from the cache every instance keeps current. */
  async require(scope: AppScope, id: string): Promise<User> {
    const row = await this.cache.get(scope, id);
    if (!row) throw notFound('User');
    return toUser(row);
  }

  /** The user with this uname, or null (the legacy /mute and /unmute commands name users so). */
  async findByUname(scope: AppScope, uname: string): Promise<User | null> {
    const row = await this.users.findByUname(scope, uname);
    return row ? toUser(row) : null;
  }

  async list(scope: AppScope, offset: number, limit: number): Promise<{ nodes: User[]; total: number }> {
    const [rows, total] = await this.users.listPage(scope, offset, limit);
    return { nodes: rows.map(toUser), total };
  }

  async delete(scope: AppScope, id: string): Promise<DeleteResult> {
    if ((await this.users.deleteById(scope, id)) === 0) return notDeleted('User not found');
    await this.changed(scope, [id]);
    await this.announceDeleted(scope, [id]);
    return deleted();
  }

  async deleteMany(scope: AppScope, ids: readonly string[]): Promise<number> {
    if (ids.length > 1000) throw badInput('deleteUsers takes at most 1000 ids at once');
    const unique = [...new Set(ids)];
    const count = await this.users.deleteByIds(scope, unique);
    if (count > 0) await this.changed(scope, unique);
    if (count > 0) await this.announceDeleted(scope, unique);
    return count;
  }

  /** user.deleted (webhooks), recorded right after the DELETE (one statement, no transaction). */
  private async announceDeleted(scope: AppScope, userIds: readonly string[]): Promise<void> {
    const event = { type: 'user.deleted' as const, appId: scope.appId, roomId: null, userIds };
    await this.outbox.recordAfter([event]);
    await this.events.publish(event);
  }

  /** After any write to users' rows: every instance drops what it cached of them. */
  changed(scope: AppScope, userIds: readonly string[]): Promise<void> {
    return this.events.publish({ type: 'user.changed', appId: scope.appId, roomId: null, userIds });
  }

  /** Sets and removes meta keys: the app backend for anyone, a user for themself. */
  async patchMeta(caller: ScopedPrincipal, userId: string, patch: MetaPatchInput): Promise<User> {
    if (caller.kind === 'user' && caller.userId !== userId) throw forbidden('Users change only their own meta');
    const row = await this.users.findById(caller.scope, userId);
    if (!row) throw notFound('User');
    const meta = applyMetaPatch(row.meta, patch);
    assertMetaSize(meta);
    await this.users.setMeta(caller.scope, row.id, meta);
    await this.changed(caller.scope, [row.id]);
    return toUser({ ...row, meta });
  }

  /** Which of the users are connected now (any transport, any instance). */
  async onlineOf(scope: AppScope, userIds: readonly string[]): Promise<Map<string, boolean>> {
    const online = await this.presence.onlineAmong(scope, userIds);
    return new Map(online.map((id) => [id, true]));
  }
}
