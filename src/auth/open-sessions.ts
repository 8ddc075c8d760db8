import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { ChatError } from '../common/errors/chat-error.js';
import { LOGGER } from '../common/logging/logging.module.js';
import { EventBus } from '../realtime/event-bus.js';
import type { ScopedPrincipal, UserPrincipal } from '../principal/principal.js';

/** graphql-ws close codes (SPEC): 4401 the credentials prove nobody now (expired: reconnect with a fresh token), 4403 refused. */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_FORBIDDEN = 4403;

export type SessionEndCause = 'revoked' | 'expired' | 'deleted';

/** Why a socket's credentials stopped working, in each transport's terms. */
export interface SessionEnd {
  cause: SessionEndCause;
  /** graphql-ws close code. */
  code: typeof CLOSE_UNAUTHORIZED | typeof CLOSE_FORBIDDEN;
  /** graphql-ws close reason (a close frame carries at most 123 bytes of it). */
  reason: string;
  /** For the person reading: the legacy client_error. */
  message: string;
}

export interface SessionOptions<P extends ScopedPrincipal> {
  principal: P;
  /**
   * Re-runs the check the socket passed at its handshake, as of now: the principal the same
   * credentials prove now (a changed role included), or a ChatError UNAUTHENTICATED once they
   * prove nobody (`details.reason`: revoked, expired, unknown_user; any other is taken as revoked).
   */
  verify(): Promise<P>;
  /** Closes the socket the transport's way, saying why. Called at most once, never after forget(). */
  close(end: SessionEnd): void;
}

/** Taken before a socket's credentials are checked, handed to open(): changes made meanwhile are not missed. */
export type SessionTicket = number & { readonly __ticket: unique symbol };

/** How many re-checks run at once (a rotated secret re-checks every socket of the app). */
const MAX_CONCURRENT_CHECKS = 16;
/** A re-check that could not reach the database is tried again after this long. */
const RETRY_MS = 2_000;
/** setTimeout's longest delay (about 24.8 days): a later expiry re-arms when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** One open, authenticated socket, as its transport sees it. */
export class OpenSession<P extends ScopedPrincipal = ScopedPrincipal> {
  /** Set once the credentials stopped working (the socket is being closed) or the socket closed. */
  ended: SessionEnd | 'closed' | null = null;
  /** @internal The re-check under way, if any; `recheckAgain`: an event arrived while it ran. */
  checking: Promise<void> | null = null;
  /** @internal */
  recheckAgain = false;
  /** @internal */
  timer: NodeJS.Timeout | null = null;

  constructor(
    /** @internal */ public principalNow: P,
    /** @internal */ readonly options: SessionOptions<P>,
    private readonly registry: OpenSessions,
  ) {}

  /** The principal as last checked (events keep it current); use current() to authorise an operation. */
  get principal(): P {
    return this.principalNow;
  }

  /**
   * The principal as of now, for one operation: waits for a re-check under way; null once the
   * credentials stopped working (the socket is closing) or expired.
   */
  async current(): Promise<P | null> {
    while (this.checking) await this.checking;
    this.registry.endIfExpired(this);
    return this.ended ? null : this.principalNow;
  }

  /** The socket closed: stop watching it (nothing is sent). */
  forget(): void {
    this.registry.forget(this, 'closed');
  }
}

/**
 * The open, authenticated sockets of this instance (graphql-ws connections and legacy sockets
 * alike), whose credentials are checked for the life of the socket, not only at its handshake:
 *
 * - `user.changed` (revokeUserTokens, deletes, role and other changes of users' rows, from any
 *   instance through the bus) re-checks the sockets of the named users: revoked → 4403,
 *   deleted → 4403, role changed → the socket's principal follows, and onRoleChange listeners
 *   end what the new role no longer allows.
 * - `app.changed` with `secretRotated` re-checks every socket of the app (its tokens were
 *   revoked; a socket opened with the old secret itself is refused too).
 * - A token's expiry closes its sockets when it passes (4401), by a timer per socket.
 *
 * A re-check re-runs the socket's own handshake check (SessionOptions.verify), through the caches
 * the same events keep current, so HTTP requests and sockets never disagree about a token.
 */
@Injectable()
export class OpenSessions implements OnModuleInit, OnModuleDestroy {
  private readonly byUser = new Map<string, Set<OpenSession>>();
  private readonly byApp = new Map<string, Set<OpenSession>>();
  private readonly roleListeners = new Set<(principal: UserPrincipal) => void>();
  /** Counts the events that may change whether credentials hold (see begin()). */
  private changes = 0;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly bus: EventBus, @Inject(LOGGER) private readonly log: Logger) {}

  onModuleInit() {
    this.unsubscribe = this.bus.onEvent((event) => {
      if (event.type === 'user.changed') {
        this.changes++;
        const keys = event.userIds.map((id) => `${event.appId}:${id}`);
        // After every listener of this event ran: the caches a re-check reads have dropped these users.
        queueMicrotask(() => { for (const key of keys) for (const session of this.byUser.get(key) ?? []) this.recheck(session); });
      } else if (event.type === 'app.changed' && event.secretRotated) {
        this.changes++;
        queueMicrotask(() => { for (const session of this.byApp.get(event.appId) ?? []) this.recheck(session); });
      }
    });
  }

  onModuleDestroy() {
    // A stop closes sockets its own way (graphql-ws and Socket.IO say "going away"): just let go of the timers.
    this.unsubscribe?.();
    for (const sessions of this.byApp.values()) for (const session of sessions) if (session.timer) clearTimeout(session.timer);
  }

  /** Call before checking a socket's credentials; pass the ticket to open(). */
  begin(): SessionTicket {
    return this.changes as SessionTicket;
  }

  /**
   * Watches a socket whose credentials just checked out. If a change that could affect them came
   * while they were being checked, they are checked again at once; an expired principal ends here.
   */
  open<P extends ScopedPrincipal>(ticket: SessionTicket, options: SessionOptions<P>): OpenSession<P> {
    const session = new OpenSession<P>(options.principal, options, this);
    const generic = session as unknown as OpenSession;
    const { principal } = options;
    add(this.byApp, principal.scope.appId, generic);
    if (principal.kind === 'user') add(this.byUser, userKey(principal), generic);
    if (principal.kind === 'user') this.arm(generic, principal.expiresAt);
    if (ticket !== this.changes) this.recheck(generic);
    return session;
  }

  /** Called with the new principal when a user's role changed on one of their open sockets. */
  onRoleChange(listener: (principal: UserPrincipal) => void): () => void {
    this.roleListeners.add(listener);
    return () => this.roleListeners.delete(listener);
  }

  /** Open sockets watched on this instance. */
  get size(): number {
    let count = 0;
    for (const sessions of this.byApp.values()) count += sessions.size;
    return count;
  }

  /** @internal */
  endIfExpired(session: OpenSession): void {
    const principal = session.principalNow;
    if (!session.ended && principal.kind === 'user' && principal.expiresAt.getTime() <= Date.now()) this.end(session, endOf('expired', principal));
  }

  /** @internal Stops watching; `end` is sent to the socket unless it already closed. */
  forget(session: OpenSession, end: SessionEnd | 'closed'): void {
    if (session.ended) return;
    session.ended = end;
    if (session.timer) clearTimeout(session.timer);
    session.timer = null;
    const principal = session.principalNow;
    remove(this.byApp, principal.scope.appId, session);
    if (principal.kind === 'user') remove(this.byUser, userKey(principal), session);
  }

  private end(session: OpenSession, end: SessionEnd): void {
    if (session.ended) return;
    this.forget(session, end);
    try {
      session.options.close(end);
    } catch (error) {
      this.log.warn({ err: error }, 'could not close a socket whose credentials stopped working');
    }
  }

  /** Closes the socket when its token expires: one unref'd timer, re-armed for expiries beyond setTimeout's range. */
  private arm(session: OpenSession, expiresAt: Date): void {
    const remaining = expiresAt.getTime() - Date.now();
    if (remaining <= 0) {
      this.endIfExpired(session);
      return;
    }
    session.timer = setTimeout(() => {
      session.timer = null;
      if (!session.ended) this.arm(session, expiresAt);
    }, Math.min(remaining, MAX_TIMER_MS));
    session.timer.unref();
  }

  private recheck(session: OpenSession): void {
    if (session.ended) return;
    if (session.checking) {
      session.recheckAgain = true; // what the running check reads may predate this event
      return;
    }
    session.checking = this.limited(() => this.verify(session)).finally(() => {
      session.checking = null;
      if (session.recheckAgain) {
        session.recheckAgain = false;
        this.recheck(session);
      }
    });
  }

  private async verify(session: OpenSession): Promise<void> {
    if (session.ended) return;
    const before = session.principalNow;
    let now: ScopedPrincipal;
    try {
      now = await session.options.verify();
    } catch (error) {
      if (error instanceof ChatError && error.code === 'UNAUTHENTICATED') {
        this.end(session, endOf(causeOf(error), before));
        return;
      }
      // The database or Redis is away: the socket keeps its last known principal and is checked again soon.
      this.log.warn({ err: error }, 'could not re-check an open socket\'s credentials; trying again');
      setTimeout(() => this.recheck(session), RETRY_MS).unref();
      return;
    }
    if (session.ended) return;
    session.principalNow = now;
    if (before.kind === 'user' && now.kind === 'user' && before.role !== now.role) {
      for (const listener of this.roleListeners) {
        try {
          listener(now);
        } catch (error) {
          this.log.error({ err: error }, 'role change listener failed');
        }
      }
    }
  }

  /** Runs at most MAX_CONCURRENT_CHECKS tasks at once; the rest wait their turn. */
  private async limited<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < MAX_CONCURRENT_CHECKS) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // hands its slot over
      else this.running--;
    }
  }
}

const userKey = (principal: UserPrincipal) => `${principal.scope.appId}:${principal.userId}`;

function add(map: Map<string, Set<OpenSession>>, key: string, session: OpenSession) {
  const set = map.get(key) ?? new Set<OpenSession>();
  map.set(key, set.add(session));
}

function remove(map: Map<string, Set<OpenSession>>, key: string, session: OpenSession) {
  const set = map.get(key);
  set?.delete(session);
  if (set?.size === 0) map.delete(key);
}

function causeOf(error: ChatError): SessionEndCause {
  const reason = error.details?.reason;
  if (reason === 'expired') return 'expired';
  // The user was there when the socket opened: their row is gone now.
  if (reason === 'unknown_user') return 'deleted';
  return 'revoked';
}

/** What each transport tells the client. */
export function endOf(cause: SessionEndCause, principal: ScopedPrincipal): SessionEnd {
  if (principal.kind === 'app') {
    return { cause, code: CLOSE_FORBIDDEN, reason: 'Forbidden: the app secret was rotated', message: 'The app secret was rotated' };
  }
  switch (cause) {
    case 'expired':
      return { cause, code: CLOSE_UNAUTHORIZED, reason: 'Unauthorized: token expired', message: 'Your session token expired: reconnect with a fresh one' };
    case 'deleted':
      return { cause, code: CLOSE_FORBIDDEN, reason: 'Forbidden: user deleted', message: 'Your account was deleted' };
    default:
      return { cause, code: CLOSE_FORBIDDEN, reason: 'Forbidden: token revoked', message: 'Your session token was revoked' };
  }
}
