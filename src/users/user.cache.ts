import { Injectable, OnModuleInit } from '@nestjs/common';
import { InvalidatedCache } from '../common/invalidated-cache.js';
import { AppScope } from '../database/app-scope.js';
import { EventBus } from '../realtime/event-bus.js';
import { UserEntity } from './user.entity.js';
import { UsersRepository } from './users.repository.js';

/** A safety net only: user.changed drops an entry on every instance at once. */
const TTL_MS = 60_000;
/** Rows carry meta (up to 8 KiB each): bounded by count, low enough for that worst case. */
const MAX_ENTRIES = 20_000;

/**
 * User rows as every send needs them (the author, their app role), kept per instance. Whoever
 * changes a user's row publishes user.changed after the write (UsersService, TokensService,
 * ModerationService), and every instance drops the row; a missing user is not remembered.
 */
@Injectable()
export class UserCache implements OnModuleInit {
  private readonly users = new InvalidatedCache<UserEntity>(TTL_MS, MAX_ENTRIES, false);

  constructor(private readonly repository: UsersRepository, private readonly events: EventBus) {}

  onModuleInit() {
    this.events.onEvent((event) => {
      if (event.type === 'user.changed') for (const id of event.userIds) this.users.delete(`${event.appId}:${id}`);
    });
  }

  get(scope: AppScope, id: string): Promise<UserEntity | null> {
    return this.users.read(`${scope.appId}:${id}`, () => this.repository.findById(scope, id));
  }

  /** The users of these ids that exist, by id: the ones not cached in one query. */
  async getMany(scope: AppScope, ids: readonly string[]): Promise<UserEntity[]> {
    const prefix = `${scope.appId}:`;
    const found = await this.users.readMany(ids.map((id) => prefix + id), async (keys) => {
      const rows = await this.repository.findByIds(scope, keys.map((key) => key.slice(prefix.length)));
      return new Map(rows.map((row) => [prefix + row.id, row]));
    });
    const rows = [...found.values()].filter((row): row is UserEntity => row !== null);
    return rows.sort((a, b) => a.id.length - b.id.length || (a.id < b.id ? -1 : 1));
  }
}
