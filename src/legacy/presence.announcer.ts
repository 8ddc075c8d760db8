import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppsService } from '../apps/apps.service.js';
import { AppScope } from '../database/app-scope.js';
import { EventBus } from '../realtime/event-bus.js';
import { PresenceChange, PresenceService } from '../realtime/presence.service.js';
import { toUser } from '../users/user.model.js';
import { UserCache } from '../users/user.cache.js';

/**
 * Tells the app's lobby when a user comes and goes (legacy `user_joined` / `user_left`): every
 * presence change, whatever the transport (legacy socket, graphql-ws) and wherever it was decided
 * (a connection on this instance, or a dead instance reaped here), is published once on the bus.
 * It stays subscribed through shutdown: an instance leaving presence announces its users then.
 */
@Injectable()
export class PresenceAnnouncer implements OnModuleInit {
  constructor(
    private readonly presence: PresenceService,
    private readonly apps: AppsService,
    private readonly users: UserCache,
    private readonly events: EventBus,
  ) {}

  onModuleInit() {
    this.presence.onChange((changes) => this.announce(changes));
  }

  private async announce(changes: readonly PresenceChange[]): Promise<void> {
    const byApp = new Map<string, { scope: AppScope; online: Map<string, boolean> }>();
    for (const { scope, userId, online } of changes) {
      let app = byApp.get(scope.appId);
      if (!app) byApp.set(scope.appId, (app = { scope, online: new Map<string, boolean>() }));
      app.online.set(userId, online);
    }
    for (const { scope, online } of byApp.values()) {
      const rows = await this.users.getMany(scope, [...online.keys()]); // deleted users: nobody to announce
      if (rows.length === 0) continue;
      const roomId = await this.apps.lobbyId(scope);
      for (const row of rows) {
        await this.events.publish({ type: 'presence.changed', appId: scope.appId, roomId, user: toUser(row), online: online.get(row.id)! });
      }
    }
  }
}
