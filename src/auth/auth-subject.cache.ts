import { Injectable, OnModuleInit } from '@nestjs/common';
import { InvalidatedCache } from '../common/invalidated-cache.js';
import { AppScope } from '../database/app-scope.js';
import { EventBus } from '../realtime/event-bus.js';
import { AuthSubject, UsersRepository } from '../users/users.repository.js';

/** A safety net only: user.changed and app.changed drop entries on every instance at once. */
const TTL_MS = 60_000;
/** One entry per token in use on this instance; a user.changed event scans them once. */
const MAX_ENTRIES = 20_000;

/**
 * What a bearer-token check reads from the database (the user's role and revocation cut-off,
 * the token's record), kept per instance and keyed `app:user:jti`, so a request with a known
 * token costs no query. Every write that could change the answer publishes an event after it:
 * user.changed (revokeUserTokens, role changes, deletes, any write to users' rows) drops the
 * user's entries, app.changed (a rotated secret revokes all of the app's tokens) the app's. The
 * local bus delivers before the write's caller gets its answer, so a revoked token fails at
 * once on this instance, and within the bus's lag on the others. Unknown users are not kept.
 */
@Injectable()
export class AuthSubjectCache implements OnModuleInit {
  private readonly subjects = new InvalidatedCache<AuthSubject>(TTL_MS, MAX_ENTRIES, false);

  constructor(private readonly users: UsersRepository, private readonly events: EventBus) {}

  onModuleInit() {
    this.events.onEvent((event) => {
      if (event.type === 'user.changed') {
        // One pass however many users changed (deleteUsers names up to 1,000): keys are app:user:jti.
        const users = new Set(event.userIds.map((id) => `${event.appId}:${id}`));
        this.subjects.deleteWhere((key) => users.has(key.slice(0, key.lastIndexOf(':'))));
      }
      else if (event.type === 'app.changed') this.subjects.deletePrefix(`${event.appId}:`);
    });
  }

  get(scope: AppScope, userId: string, jti: string | null): Promise<AuthSubject | null> {
    return this.subjects.read(`${scope.appId}:${userId}:${jti ?? ''}`, () => this.users.findAuthSubject(scope, userId, jti));
  }
}
