import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Server } from 'socket.io';
import type { DomainEvent } from '../realtime/domain-events.js';
import { EventBus } from '../realtime/event-bus.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { MediaService } from '../media/media.service.js';
import { MembershipEventType } from '../rooms/membership-event.model.js';
import { blockersChannel, LEGACY_EVENTS, minutesUntil, roomChannel, toLegacyMessage, toLegacyRole, toLegacyUser, userChannel } from './legacy-protocol.js';

/**
 * Turns bus events into legacy socket events, on this instance: the socket side of what
 * graphql-event.bridge.ts does for GraphQL. Always `.local`: the bus, not the Socket.IO adapter,
 * crosses instances, so nothing arrives twice.
 */
@Injectable()
export class LegacyEventBridge implements OnModuleInit, OnModuleDestroy {
  private server: Server | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly bus: EventBus, private readonly metrics: MetricsService, private readonly media: MediaService) {}

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
    if (!server) return;
    if (event.type === 'block.changed') {
      // The blocker's sockets leave (or rejoin) the broadcasts of the blocked user's messages.
      const sockets = server.local.in(userChannel(event.appId, event.blockerId));
      const channel = blockersChannel(event.appId, event.blockedId);
      if (event.blocked) sockets.socketsJoin(channel);
      else sockets.socketsLeave(channel);
      return;
    }
    if (event.roomId === null) return;
    const channel = roomChannel(event.appId, event.roomId);
    const lobby = server.to(channel);
    switch (event.type) {
      case 'message.created': {
        // This instance's sockets only (the bus brings the event to every instance): none here, nothing to encode.
        const listeners = server.sockets.adapter.rooms.get(channel)?.size ?? 0;
        if (listeners === 0) return;
        const message = toLegacyMessage(event.message, (file) => this.media.signForLegacy(event.appId, file));
        const author = event.message.author;
        if (message) {
          (author ? lobby.except(blockersChannel(event.appId, author.id)) : lobby).local.emit(LEGACY_EVENTS.newMessage, message);
          // Counted as the room's local sockets (those skipped for blocking included): no per-socket work.
          this.metrics.delivered('legacy', listeners, event.message.createdAt);
        } else if (event.message.text) lobby.local.emit(LEGACY_EVENTS.systemMessage, event.message.text); // the app's SYSTEM messages
        return;
      }
      case 'membership.changed': {
        const { type, user, mutedUntil } = event.change;
        if (type === MembershipEventType.MUTED && mutedUntil) {
          lobby.local.emit(LEGACY_EVENTS.userMuted, { uname: user.uname, mins: minutesUntil(mutedUntil), expires_at: mutedUntil.toISOString() });
        } else if (type === MembershipEventType.UNMUTED) {
          lobby.local.emit(LEGACY_EVENTS.userUnmuted, { uname: user.uname });
        } else if (type === MembershipEventType.BANNED) {
          // Their sockets go quiet at once (each instance moves its own), then the room is told.
          server.local.in(userChannel(event.appId, user.id)).socketsLeave(roomChannel(event.appId, event.roomId));
          const until = event.change.bannedUntil ? ` until ${event.change.bannedUntil.toISOString()}` : '';
          server.local.to(userChannel(event.appId, user.id)).emit(LEGACY_EVENTS.systemMessage, `You were banned from this room${until}`);
          lobby.local.emit(LEGACY_EVENTS.systemMessage, `${user.uname} was banned${until}`);
        } else if (type === MembershipEventType.UNBANNED) {
          server.local.in(userChannel(event.appId, user.id)).socketsJoin(roomChannel(event.appId, event.roomId));
          lobby.local.emit(LEGACY_EVENTS.systemMessage, `${user.uname} was unbanned`);
        }
        return;
      }
      case 'room.updated': {
        if (event.changed.includes('frozen')) {
          lobby.local.emit(LEGACY_EVENTS.systemMessage, event.room.frozen ? 'The chat was frozen: only moderators may write' : 'The chat is open again');
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
