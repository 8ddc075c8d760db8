import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Server } from 'socket.io';
import type { DomainEvent } from '../realtime/domain-events.js';
import { EventBus } from '../realtime/event-bus.js';
import { MembershipEventType } from '../rooms/membership-event.model.js';
import { LEGACY_EVENTS, minutesUntil, roomChannel, toLegacyMessage, toLegacyRole, toLegacyUser, userChannel } from './legacy-protocol.js';

/**
 * Turns bus events into legacy socket events, on this instance: the socket side of what
 * graphql-event.bridge.ts does for GraphQL. Always `.local`: the bus, not the Socket.IO adapter,
 * crosses instances, so nothing arrives twice.
 */
@Injectable()
export class LegacyEventBridge implements OnModuleInit, OnModuleDestroy {
  private server: Server | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly bus: EventBus) {}

  /** The gateway hands over its server once Socket.IO is up. */
  attach(server: Server) {
    this.server = server;
  }

  onModuleInit() {
    this.unsubscribe = this.bus.onEvent((event) => this.route(event));
  }

  onModuleDestroy() {
    this.unsubscribe?.();
  }

  private route(event: DomainEvent) {
    const server = this.server;
    if (!server || event.roomId === null) return; // app-wide events (blocks) have no socket room
    const lobby = server.to(roomChannel(event.appId, event.roomId));
    switch (event.type) {
      case 'message.created': {
        const message = toLegacyMessage(event.message);
        if (message) lobby.local.emit(LEGACY_EVENTS.newMessage, message);
        else if (event.message.text) lobby.local.emit(LEGACY_EVENTS.systemMessage, event.message.text); // the app's SYSTEM messages
        return;
      }
      case 'membership.changed': {
        const { type, user, mutedUntil } = event.change;
        if (type === MembershipEventType.MUTED && mutedUntil) {
          lobby.local.emit(LEGACY_EVENTS.userMuted, { uname: user.uname, mins: minutesUntil(mutedUntil), expires_at: new Date(mutedUntil).toISOString() });
        } else if (type === MembershipEventType.UNMUTED) {
          lobby.local.emit(LEGACY_EVENTS.userUnmuted, { uname: user.uname });
        }
        return;
      }
      case 'presence.changed': {
        // To every other socket of the app: the user's own sockets do not hear their own arrival.
        const { id, uname, role } = toLegacyUser(event.user);
        server.to(roomChannel(event.appId, event.roomId)).except(userChannel(event.appId, event.user.id)).local
          .emit(event.online ? LEGACY_EVENTS.userJoined : LEGACY_EVENTS.userLeft, { uname, role: toLegacyRole(role), id });
        return;
      }
      default:
        return;
    }
  }
}
