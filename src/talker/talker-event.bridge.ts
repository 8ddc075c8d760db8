import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logging.module.js';
import { scopeOf } from '../database/app-scope.js';
import { entryOf, TalkerEventType } from '../events/event-table.js';
import { MediaService } from '../media/media.service.js';
import { MessagesService } from '../messages/messages.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { UserPrincipal } from '../principal/principal.js';
import type { DomainEvent, EventOf } from '../realtime/domain-events.js';
import { EventBus } from '../realtime/event-bus.js';
import { RoomsService } from '../rooms/rooms.service.js';
import { BlocksService } from '../users/blocks.service.js';
import { onBase } from './talker-address.js';
import { TalkerMesseage, toTalkerMesseage } from './talker-messeage.js';

/** One logged-in `/talker` socket of this instance, as the bridge emits to it. */
export interface TalkerPeerSocket {
  /** This API's address as the socket reached it (talker-address.ts): the base of the media URLs it gets. */
  readonly address: string;
  emit(event: string, payload: unknown): void;
  /** Its user as of now (null once its session ended). */
  principal(): Promise<UserPrincipal | null>;
}

/** The logged-in `/talker` sockets of this instance (kept by the gateway on login, logout and disconnect). */
export abstract class TalkerSocketDirectory {
  /** Whether any talker socket of that app is logged in here (the bridge's first, cheap test). */
  abstract hasAny(appId: string): boolean;
  abstract ofUser(appId: string, userId: string): readonly TalkerPeerSocket[];
}

/** The server events, spelled as the seed spells them. */
export const TALKER_EVENTS = { messeage: 'messeage', notified: 'notified', read: 'read', typing: 'typing' } as const;

type TalkerHandlers = { readonly [T in TalkerEventType]: (event: EventOf<T>, pair: readonly [string, string]) => Promise<void> };

/** The member of the pair who is not `userId`. */
const otherOf = (pair: readonly [string, string], userId: string) => (pair[0] === userId ? pair[1] : pair[0]);

/**
 * Turns bus events of DIRECT rooms into `/talker` server events for this instance's sockets:
 * the talker side of graphql-event.bridge.ts and legacy-event.bridge.ts. Every instance gets
 * every event from the bus and emits to its own sockets only, so nothing arrives twice.
 * - message.created → `messeage` to both users; a recipient socket getting it marks it DELIVERED
 *   (MessagesService.markDelivered as the recipient, the receipt GraphQL clients make too);
 * - receipt → `notified` (DELIVERED) or `read` (READ) to the other user, whoever made it;
 * - typing → `typing` to the other user.
 * A user who blocked the author gets none of the author's messages or typing.
 */
@Injectable()
export class TalkerEventBridge implements OnModuleInit, OnModuleDestroy {
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly sockets: TalkerSocketDirectory,
    private readonly rooms: RoomsService,
    private readonly messages: MessagesService,
    private readonly blocks: BlocksService,
    private readonly media: MediaService,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit() {
    this.unsubscribe = this.bus.onEvent((event) => {
      this.route(event).catch((error: unknown) => this.log.warn({ err: error, type: event.type }, 'talker bridge could not deliver an event'));
    });
  }

  onModuleDestroy() {
    this.unsubscribe?.();
  }

  /** Resolves once the event is emitted here (tests await it; the bus listener does not). */
  async route(event: DomainEvent): Promise<void> {
    if (!entryOf(event).talker || !this.sockets.hasAny(event.appId) || event.roomId === null) return;
    const pair = await this.rooms.directPairOf(scopeOf(event.appId), event.roomId);
    if (!pair) return;
    await (this.handlers[event.type as TalkerEventType] as (event: DomainEvent, pair: readonly [string, string]) => Promise<void>)(event, pair);
  }

  private emit(appId: string, userId: string, name: string, payload: unknown): readonly TalkerPeerSocket[] {
    const sockets = this.sockets.ofUser(appId, userId);
    for (const socket of sockets) socket.emit(name, payload);
    return sockets;
  }

  private async blockedBy(appId: string, userId: string, authorId: string): Promise<boolean> {
    return this.blocks.hasBlocked(scopeOf(appId), userId, authorId);
  }

  private readonly handlers: TalkerHandlers = {
    'message.created': async (event, pair) => {
      const author = event.message.author;
      if (!author) return; // the app's SYSTEM messages have no talker shape
      const to = otherOf(pair, author.id);
      // Each socket gets media URLs on the address it reached (the same wire for sockets that share one).
      const wires = new Map<string, TalkerMesseage>();
      const wireFor = (socket: TalkerPeerSocket) => {
        const wire = wires.get(socket.address) ?? toTalkerMesseage(event.message, to, [], (file) => onBase(socket.address, this.media.signForLegacy(event.appId, file).url));
        wires.set(socket.address, wire);
        return wire;
      };
      const own = this.sockets.ofUser(event.appId, author.id);
      for (const socket of own) socket.emit(TALKER_EVENTS.messeage, wireFor(socket));
      const recipients = this.sockets.ofUser(event.appId, to);
      if (recipients.length === 0 || (await this.blockedBy(event.appId, to, author.id))) {
        this.metrics.delivered('talker', own.length, event.message.createdAt);
        return;
      }
      for (const socket of recipients) socket.emit(TALKER_EVENTS.messeage, wireFor(socket));
      this.metrics.delivered('talker', own.length + recipients.length, event.message.createdAt);
      // Received by a socket of the recipient: DELIVERED, as that user (its receipt brings `notified` to the author, on any instance).
      const recipient = await recipients[0].principal();
      if (!recipient) return;
      await this.messages.markDelivered(recipient, event.roomId, event.message.id)
        .catch((error: unknown) => this.log.debug({ err: error, messageId: event.message.id }, 'talker delivery receipt not stored'));
    },

    receipt: async (event, pair) => {
      const name = event.kind === 'DELIVERED' ? TALKER_EVENTS.notified : TALKER_EVENTS.read;
      this.emit(event.appId, otherOf(pair, event.user.id), name, { messeage_id: Number(event.messageId) });
    },

    typing: async (event, pair) => {
      const to = otherOf(pair, event.user.id);
      if (this.sockets.ofUser(event.appId, to).length === 0 || (await this.blockedBy(event.appId, to, event.user.id))) return;
      this.emit(event.appId, to, TALKER_EVENTS.typing, { typer: Number(event.user.id), typing: event.isTyping });
    },
  };
}
