import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { OpenSessions } from '../auth/open-sessions.js';
import type { ScopedPrincipal, UserPrincipal } from '../principal/principal.js';
import { ChatError } from '../common/errors/chat-error.js';
import { LOGGER } from '../common/logging/logging.module.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { Message } from '../messages/message.model.js';
import { BlocksService } from '../users/blocks.service.js';
import { MembershipEventType } from '../rooms/membership-event.model.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import { Channel } from './channel.js';
import type { DomainEvent } from '../realtime/domain-events.js';
import { EventBus } from '../realtime/event-bus.js';
import type { MyEvent } from '../messages/live-events.model.js';
import { entryOf, RoomTopic, RoomTopics } from '../events/event-table.js';

interface RoomSubscriber {
  /** Who subscribed, with their app role as of now (a role change replaces it). */
  caller: ScopedPrincipal;
  roomId: string;
  topic: RoomTopic;
  channel: Channel<unknown>;
  /** Authors this subscriber blocked (live set): their messages never reach it. */
  hidden: ReadonlySet<string>;
}

interface UserStream {
  caller: UserPrincipal;
  rooms: Set<string>;
  channel: Channel<MyEvent>;
  hidden: ReadonlySet<string>;
}

const NOBODY: ReadonlySet<string> = new Set();

/** How many replayed ids a resumed messageAdded remembers, to skip their live copies. */
const REPLAY_MEMORY = 10_000;

/** Whether an event's content is by a user the reader blocked (the table's `author`: messages). */
const hiddenFrom = (author: string | null, hidden: ReadonlySet<string>) => author !== null && hidden.has(author);

const roomKey = (appId: string, roomId: string | null) => `${appId}:${roomId ?? '-'}`;

/**
 * Turns bus events into GraphQL subscription payloads, on this instance, as the event table
 * (src/events/event-table.ts) says: which room topic an event feeds, its payload, its myEvents
 * item, whose content it is (for blocks). Subscribers are kept per app and room (no global
 * topic with a filter), and per user for myEvents. Authorization happens at subscribe time and
 * again when the subscriber's membership changes, never per event.
 */
@Injectable()
export class GraphqlEventBridge implements OnModuleInit {
  private readonly byRoom = new Map<string, Set<RoomSubscriber>>();
  /** Users' room subscribers, to re-check when their app role changes. */
  private readonly subscribersByUser = new Map<string, Set<RoomSubscriber>>();
  private readonly streamsByRoom = new Map<string, Set<UserStream>>();
  private readonly streamsByUser = new Map<string, Set<UserStream>>();

  constructor(
    private readonly bus: EventBus,
    private readonly access: RoomAccessService,
    private readonly blocks: BlocksService,
    private readonly sessions: OpenSessions,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit() {
    this.bus.onEvent((event) => this.route(event));
    this.sessions.onRoleChange((principal) => this.onRoleChanged(principal));
  }

  /** A live stream of one topic of one room. Call after the caller's read access was checked. */
  async room<K extends RoomTopic>(caller: ScopedPrincipal, roomId: string, topic: K): Promise<Channel<RoomTopics[K]>> {
    const key = roomKey(caller.scope.appId, roomId);
    const hidden = caller.kind === 'user' ? await this.blocks.blockedBy(caller.scope, caller.userId) : NOBODY;
    const subscriber: RoomSubscriber = { caller, roomId, topic, channel: new Channel<unknown>(), hidden };
    const set = this.byRoom.get(key) ?? new Set<RoomSubscriber>();
    this.byRoom.set(key, set.add(subscriber));
    const userKey = caller.kind === 'user' ? roomKey(caller.scope.appId, caller.userId) : null;
    const own = userKey ? this.subscribersByUser.get(userKey) ?? new Set<RoomSubscriber>() : null;
    if (userKey && own) this.subscribersByUser.set(userKey, own.add(subscriber));
    subscriber.channel.whenClosed(() => {
      set.delete(subscriber);
      if (set.size === 0 && this.byRoom.get(key) === set) this.byRoom.delete(key);
      own?.delete(subscriber);
      if (userKey && own?.size === 0 && this.subscribersByUser.get(userKey) === own) this.subscribersByUser.delete(userKey);
    });
    return subscriber.channel as Channel<RoomTopics[K]>;
  }

  /**
   * messageAdded with resume: registers live first, replays stored messages after `after`, then
   * continues live, skipping what the replay already gave: nothing missed, nothing repeated.
   */
  async messagesFrom(caller: ScopedPrincipal, roomId: string, after: string | null, replay: (after: string) => AsyncGenerator<Message>): Promise<AsyncIterableIterator<Message>> {
    const live = await this.room(caller, roomId, 'messageAdded');
    if (!after) return live; // nothing to replay: the live stream as it is
    const resumeAfter = after;
    async function* stream(): AsyncGenerator<Message> {
      // Live messages pass in arrival order, not filtered by the highest id seen: from several
      // instances a lower id may arrive after a higher one and must not be lost. What the replay
      // gave (its newest ids) is not given again when it also arrives live.
      const floor = BigInt(resumeAfter);
      const replayed = new Set<string>();
      for await (const message of replay(resumeAfter)) {
        if (live.isClosed) return;
        replayed.add(message.id);
        if (replayed.size > REPLAY_MEMORY) replayed.delete(replayed.values().next().value!);
        yield message;
      }
      for await (const message of live) {
        if (BigInt(message.id) <= floor || replayed.has(message.id)) continue;
        yield message;
      }
    }
    return endingWith(stream(), live);
  }

  /** Every event of every room the user is a member of, rooms joined later included. */
  async mine(caller: UserPrincipal): Promise<Channel<MyEvent>> {
    const stream: UserStream = { caller, rooms: new Set(), channel: new Channel<MyEvent>(), hidden: await this.blocks.blockedBy(caller.scope, caller.userId) };
    const userKey = roomKey(caller.scope.appId, caller.userId);
    const own = this.streamsByUser.get(userKey) ?? new Set<UserStream>();
    this.streamsByUser.set(userKey, own.add(stream));
    for (const roomId of await this.access.roomIdsOf(caller.scope, caller.userId)) this.follow(stream, roomId);
    stream.channel.whenClosed(() => {
      for (const roomId of [...stream.rooms]) this.unfollow(stream, roomId);
      own.delete(stream);
      if (own.size === 0 && this.streamsByUser.get(userKey) === own) this.streamsByUser.delete(userKey);
    });
    return stream.channel;
  }

  private follow(stream: UserStream, roomId: string) {
    const key = roomKey(stream.caller.scope.appId, roomId);
    stream.rooms.add(roomId);
    this.streamsByRoom.set(key, (this.streamsByRoom.get(key) ?? new Set<UserStream>()).add(stream));
  }

  private unfollow(stream: UserStream, roomId: string) {
    const key = roomKey(stream.caller.scope.appId, roomId);
    stream.rooms.delete(roomId);
    const set = this.streamsByRoom.get(key);
    set?.delete(stream);
    if (set?.size === 0) this.streamsByRoom.delete(key);
  }

  private route(event: DomainEvent) {
    const key = roomKey(event.appId, event.roomId);
    const entry = entryOf(event);
    const author = entry.author?.(event) ?? null;
    if (entry.subscription) {
      const { topic } = entry.subscription;
      // One payload object for every subscriber: shared-subscribe executes it once per alike group.
      const payload = entry.subscription.payload(event);
      let delivered = 0;
      for (const subscriber of this.byRoom.get(key) ?? []) {
        if (subscriber.topic !== topic || hiddenFrom(author, subscriber.hidden)) continue;
        subscriber.channel.push(payload);
        delivered++;
      }
      if (event.type === 'message.created') this.metrics.delivered('graphql-ws', delivered, event.message.createdAt);
    }
    // Streams first: a JOINED reaches the joiner's myEvents once, from onMembership, which follows the room.
    this.deliverToStreams(key, event, author);
    if (event.type === 'membership.changed') this.onMembership(event);
    if (event.type === 'room.deleted') for (const subscriber of [...(this.byRoom.get(key) ?? [])]) subscriber.channel.end();
  }

  private deliverToStreams(key: string, event: DomainEvent, author: string | null) {
    const streams = this.streamsByRoom.get(key);
    if (!streams?.size) return;
    const myEvent = toMyEvent(event);
    if (!myEvent) return;
    for (const stream of [...streams]) {
      if (!hiddenFrom(author, stream.hidden)) stream.channel.push(myEvent);
      if (event.type === 'room.deleted') this.unfollow(stream, event.roomId);
    }
  }

  /** Joins add the room to the user's myEvents; leaving and bans end what they may no longer read. */
  private onMembership(event: Extract<DomainEvent, { type: 'membership.changed' }>) {
    const { type, user } = event.change;
    const key = roomKey(event.appId, event.roomId);
    if (type === MembershipEventType.JOINED) {
      for (const stream of this.streamsByUser.get(roomKey(event.appId, user.id)) ?? []) {
        if (!stream.rooms.has(event.roomId)) {
          this.follow(stream, event.roomId);
          const myEvent = toMyEvent(event);
          if (myEvent) stream.channel.push(myEvent);
        }
      }
      return;
    }
    const lost = type === MembershipEventType.LEFT || type === MembershipEventType.BANNED;
    if (!lost && type !== MembershipEventType.ROLE_CHANGED) return;
    if (lost) {
      for (const stream of [...(this.streamsByRoom.get(key) ?? [])]) {
        if (stream.caller.userId === user.id) this.unfollow(stream, event.roomId);
      }
    }
    for (const subscriber of [...(this.byRoom.get(key) ?? [])]) {
      if (subscriber.caller.kind !== 'user' || subscriber.caller.userId !== user.id) continue;
      // reportCreated is for managers: a manager who left or stopped being one stops receiving it.
      const check = subscriber.topic === 'reportCreated' ? this.stillManages(subscriber.caller, event.roomId)
        : lost ? this.access.stillReads(subscriber.caller, event.roomId) : null;
      check?.then(
        (still) => { if (!still) subscriber.channel.end(); },
        (error) => { this.log.warn({ err: error }, 'could not re-check a subscription; ending it'); subscriber.channel.end(); },
      );
    }
  }

  /**
   * A user's app role changed (OpenSessions re-checked one of their sockets): their room
   * subscriptions carry the new role from now on, and those it no longer allows end at once
   * (a GROUP room read only as staff, reportCreated of a room they do not manage).
   */
  private onRoleChanged(principal: UserPrincipal) {
    for (const subscriber of [...(this.subscribersByUser.get(roomKey(principal.scope.appId, principal.userId)) ?? [])]) {
      if (subscriber.caller.kind !== 'user' || subscriber.caller.role === principal.role) continue;
      const caller: UserPrincipal = { ...subscriber.caller, role: principal.role };
      subscriber.caller = caller;
      const check = subscriber.topic === 'reportCreated' ? this.stillManages(caller, subscriber.roomId) : this.access.stillReads(caller, subscriber.roomId);
      check.then(
        (still) => { if (!still) subscriber.channel.end(); },
        (error) => { this.log.warn({ err: error }, 'could not re-check a subscription; ending it'); subscriber.channel.end(); },
      );
    }
  }

  private stillManages(caller: ScopedPrincipal, roomId: string): Promise<boolean> {
    return this.access.requireManager(caller, roomId).then(() => true, (error: unknown) => {
      if (error instanceof ChatError) return false;
      throw error;
    });
  }
}

/** The event's myEvents item (the table's), on its room; null for events that are not everyone's or concern no room. */
function toMyEvent(event: DomainEvent): MyEvent | null {
  const item = entryOf(event).myEvents;
  return item && event.roomId !== null ? { roomId: event.roomId, ...item(event) } : null;
}

/**
 * Wraps a generator reading from `live` so that the client's unsubscribe ends `live` at once
 * (an async generator suspended on an await would otherwise not see return() until the next
 * event, and its subscriber would linger).
 */
function endingWith<T>(generator: AsyncGenerator<T>, live: { end(): void }): AsyncIterableIterator<T> {
  return {
    next: () => generator.next(),
    return: async () => { live.end(); return generator.return(undefined); },
    throw: async (error: unknown) => { live.end(); return generator.throw(error); },
    [Symbol.asyncIterator]() { return this; },
  };
}
