import { Injectable, OnModuleInit } from '@nestjs/common';
import type { UserPrincipal } from '../principal/principal.js';
import { badInput, notFound } from '../common/errors/chat-error.js';
import { DeleteResult, deleted, notDeleted } from '../common/graphql/delete-result.model.js';
import { AppScope } from '../database/app-scope.js';
import { EventBus } from '../realtime/event-bus.js';
import { toUser, User } from './user.model.js';
import { UsersRepository } from './users.repository.js';
import { BlocksRepository } from './blocks.repository.js';

/**
 * Blocking (talker's blockUser): the blocker stops receiving the blocked user's messages in every
 * room, history and live; the blocked user can neither open nor write a DIRECT room with the
 * blocker. Each instance keeps the sets it has loaded and updates them in place from the bus,
 * so a live subscription holds its blocker's set and filters with one lookup per delivery. A
 * set whose load was under way when its blocker's blocks changed is read again, so the change
 * cannot be lost between the read and the set's first event.
 */
@Injectable()
export class BlocksService implements OnModuleInit {
  private readonly sets = new Map<string, Set<string>>();
  /** Loads under way, shared by the callers that ask meanwhile. */
  private readonly loading = new Map<string, Promise<Set<string>>>();
  /** Keys of loads under way that a block change made out of date. */
  private readonly stale = new Set<string>();

  constructor(private readonly blocks: BlocksRepository, private readonly users: UsersRepository, private readonly events: EventBus) {}

  onModuleInit() {
    this.events.onEvent((event) => {
      if (event.type !== 'block.changed') return;
      const key = `${event.appId}:${event.blockerId}`;
      const set = this.sets.get(key);
      if (!set) {
        if (this.loading.has(key)) this.stale.add(key);
      } else if (event.blocked) set.add(event.blockedId);
      else set.delete(event.blockedId);
    });
  }

  async block(caller: UserPrincipal, userId: string): Promise<User> {
    if (userId === caller.userId) throw badInput('You cannot block yourself');
    const target = await this.users.findById(caller.scope, userId);
    if (!target) throw notFound('User');
    if (await this.blocks.insertOnce(caller.scope, caller.userId, target.id)) await this.announce(caller.scope, caller.userId, target.id, true);
    return toUser(target);
  }

  async unblock(caller: UserPrincipal, userId: string): Promise<DeleteResult> {
    if ((await this.blocks.delete(caller.scope, caller.userId, userId)) === 0) return notDeleted('Not blocked');
    await this.announce(caller.scope, caller.userId, userId, false);
    return deleted();
  }

  async list(caller: UserPrincipal): Promise<User[]> {
    return (await this.blocks.blockedUsers(caller.scope, caller.userId)).map(toUser);
  }

  /** The live set of users this user blocked (shared; kept current from the bus). */
  blockedBy(scope: AppScope, userId: string): Promise<Set<string>> {
    const key = `${scope.appId}:${userId}`;
    const set = this.sets.get(key);
    if (set) return Promise.resolve(set);
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.load(scope, userId, key).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  private async load(scope: AppScope, userId: string, key: string): Promise<Set<string>> {
    for (;;) {
      this.stale.delete(key);
      const ids = await this.blocks.blockedIds(scope, userId);
      if (this.stale.has(key)) continue; // a block changed while we read: read again
      const set = new Set(ids);
      this.sets.set(key, set);
      return set;
    }
  }

  /** Whether `blockerId` blocked `userId` (from the live set). */
  async hasBlocked(scope: AppScope, blockerId: string, userId: string): Promise<boolean> {
    return (await this.blockedBy(scope, blockerId)).has(userId);
  }

  private async announce(scope: AppScope, blockerId: string, blockedId: string, blocked: boolean) {
    await this.events.publish({ type: 'block.changed', appId: scope.appId, roomId: null, blockerId, blockedId, blocked });
  }
}
