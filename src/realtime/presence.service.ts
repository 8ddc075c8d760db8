import type { Logger } from 'pino';
import { AppScope } from '../database/app-scope.js';

/** A user's first live connection (online) or the end of their last one (offline), deployment-wide. */
export interface PresenceChange {
  scope: AppScope;
  userId: string;
  online: boolean;
}

/** Gets the changes decided together (one connection, or every user of a reaped instance). */
export type PresenceListener = (changes: readonly PresenceChange[]) => Promise<void> | void;

/**
 * Who is connected now, per app, counting every connection of a user (tabs, transports, and with
 * REDIS_URL, instances). Transports only count connections; each change of a user's presence is
 * reported once, on the instance that saw it, to the listeners (which announce it on the bus).
 * In process without REDIS_URL (LocalPresenceService), in Redis with it (RedisPresenceService).
 */
export abstract class PresenceService {
  private readonly listeners = new Set<PresenceListener>();

  protected constructor(protected readonly log: Logger) {}

  /** Counts one more live connection; true when it is the user's first. Resolves after listeners ran. */
  abstract connect(scope: AppScope, userId: string): Promise<boolean>;
  /** Counts one connection less; true when it was the user's last. Resolves after listeners ran. */
  abstract disconnect(scope: AppScope, userId: string): Promise<boolean>;
  abstract isOnline(scope: AppScope, userId: string): Promise<boolean>;
  /** Every user of the app with a live connection. */
  abstract onlineUserIds(scope: AppScope): Promise<string[]>;
  /** Those of `userIds` who are online, in the given order. */
  abstract onlineAmong(scope: AppScope, userIds: readonly string[]): Promise<string[]>;

  /** Hears every change decided on this instance; returns an unsubscribe function. */
  onChange(listener: PresenceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs the listeners; a failing listener is logged and does not stop the others. */
  protected async changed(changes: readonly PresenceChange[]): Promise<void> {
    if (changes.length === 0) return;
    const results = await Promise.allSettled([...this.listeners].map(async (listener) => listener(changes)));
    for (const result of results) {
      if (result.status === 'rejected') this.log.warn({ err: result.reason, changes: changes.length }, 'presence listener failed');
    }
  }
}
