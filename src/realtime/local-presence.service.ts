import type { Logger } from 'pino';
import { AppScope } from '../database/app-scope.js';
import { PresenceService } from './presence.service.js';

/** Presence of one instance (no REDIS_URL): connection counts per app and user, in memory. */
export class LocalPresenceService extends PresenceService {
  private readonly connections = new Map<string, Map<string, number>>();

  constructor(log: Logger) {
    super(log);
  }

  async connect(scope: AppScope, userId: string): Promise<boolean> {
    const users = this.connections.get(scope.appId) ?? new Map<string, number>();
    this.connections.set(scope.appId, users);
    const count = (users.get(userId) ?? 0) + 1;
    users.set(userId, count);
    if (count !== 1) return false;
    await this.changed([{ scope, userId, online: true }]);
    return true;
  }

  async disconnect(scope: AppScope, userId: string): Promise<boolean> {
    const users = this.connections.get(scope.appId);
    const count = users?.get(userId) ?? 0;
    if (!users || count === 0) return false;
    if (count > 1) {
      users.set(userId, count - 1);
      return false;
    }
    users.delete(userId);
    if (users.size === 0) this.connections.delete(scope.appId);
    await this.changed([{ scope, userId, online: false }]);
    return true;
  }

  async isOnline(scope: AppScope, userId: string): Promise<boolean> {
    return (this.connections.get(scope.appId)?.get(userId) ?? 0) > 0;
  }

  async onlineUserIds(scope: AppScope): Promise<string[]> {
    return [...(this.connections.get(scope.appId)?.keys() ?? [])];
  }

  async onlineAmong(scope: AppScope, userIds: readonly string[]): Promise<string[]> {
    const users = this.connections.get(scope.appId);
    return users ? userIds.filter((id) => users.has(id)) : [];
  }
}
