import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Server } from 'socket.io';
import type { DomainEvent, EventOf } from '../realtime/domain-events.js';
import { EventBus } from '../realtime/event-bus.js';
import { entryOf, LegacyEventType } from '../events/event-table.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { MediaService } from '../media/media.service.js';
import { MembershipEventType } from '../rooms/membership-event.model.js';
import { blockersChannel, LEGACY_EVENTS, minutesUntil, roomChannel, toLegacyMessage, toLegacyRole, toLegacyUser, userChannel } from './legacy-protocol.js';

/**
 * What the legacy gateway does with each event the table marks `legacy: true`: exactly those
 * types, so marking one in the table without a handler here (or the reverse) does not compile.
 */
type LegacyHandlers = { readonly [T in LegacyEventType]: (server: Server, event: EventOf<T>) => void };

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
    if (!server || !entryOf(event).legacy) return;
    // Looked up by the event's own type, which the table marks legacy: the handler written for it.
    (this.handlers[event.type as LegacyEventType] as (server: Server, event: DomainEvent) => void)(server, event);
  }

  private readonly handlers: LegacyHandlers = {
    'block.changed': (server, event) => {
      // The blocker's sockets leave (or rejoin) the broadcasts of the blocked user's messages.
      const sockets = server.local.in(userChannel(event.appId, event.blockerId));
      const channel = blockersChannel(event.appId, event.blockedId);
      if (event.blocked) sockets.socketsJoin(channel);
      else sockets.socketsLeave(channel);
    },

    'message.created': (server, event) => {
      // This instance's sockets only (the bus brings the event to every instance): none here, nothing to encode.
      const channel = roomChannel(event.appId, event.roomId);
      const listeners = server.sockets.adapter.rooms.get(channel)?.size ?? 0;
      if (listeners === 0) return;
      const lobby = server.to(channel);
      const message = toLegacyMessage(event.message, (file) => this.media.signForLegacy(event.appId, file));
      const author = event.message.author;
      if (message) {
        (author ? lobby.except(blockersChannel(event.appId, author.id)) : lobby).local.emit(LEGACY_EVENTS.newMessage, message);
        // Counted as the room's local sockets (those skipped for blocking included): no per-socket work.
        this.metrics.delivered('legacy', listeners, event.message.createdAt);
      } else if (event.message.text) lobby.local.emit(LEGACY_EVENTS.systemMessage, event.message.text); // the app's SYSTEM messages
    },

    'membership.changed': (server, event) => {
      const lobby = server.to(roomChannel(event.appId, event.roomId));
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
    },

    'room.updated': (server, event) => {
      if (event.changed.includes('frozen')) {
        server.to(roomChannel(event.appId, event.roomId)).local
          .emit(LEGACY_EVENTS.systemMessage, event.room.frozen ? 'The chat was frozen: only moderators may write' : 'The chat is open again');
      }
    },

    'presence.changed': (server, event) => {
      // To every other socket of the app: the user's own sockets do not hear their own arrival.
      const { id, uname, role } = toLegacyUser(event.user);
      server.to(roomChannel(event.appId, event.roomId)).except(userChannel(event.appId, event.user.id)).local
        .emit(event.online ? LEGACY_EVENTS.userJoined : LEGACY_EVENTS.userLeft, { uname, role: toLegacyRole(role), id });
    },
  };
}
