import { Injectable } from '@nestjs/common';
import { AppScope } from '../database/app-scope.js';

/**
 * Who is connected now, per app, counting every connection (tabs, transports) of a user.
 * In process; the scale-out work shares it through Redis behind the same methods.
 */
@Injectable()
export class PresenceService {
  private readonly connections = new Map<string, Map<string, number>>();

  /** Returns true when this is the user's first live connection. */
  connect(scope: AppScope, userId: string): boolean {
    const users = this.connections.get(scope.appId) ?? new Map<string, number>();
    this.connections.set(scope.appId, users);
    const count = (users.get(userId) ?? 0) + 1;
    users.set(userId, count);
    return count === 1;
  }

  /** Returns true when the user's last live connection just went. */
  disconnect(scope: AppScope, userId: string): boolean {
    const users = this.connections.get(scope.appId);
    const count = users?.get(userId) ?? 0;
    if (!users || count === 0) return false;
    if (count > 1) {
      users.set(userId, count - 1);
      return false;
    }
    users.delete(userId);
    if (users.size === 0) this.connections.delete(scope.appId);
    return true;
  }

  isOnline(scope: AppScope, userId: string): boolean {
    return (this.connections.get(scope.appId)?.get(userId) ?? 0) > 0;
  }

  onlineUserIds(scope: AppScope): string[] {
    return [...(this.connections.get(scope.appId)?.keys() ?? [])];
  }
}
