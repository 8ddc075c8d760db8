import { MyEvent, MyEventType, ReadReceipt, ReceiptKind, TypingEvent } from '../messages/live-events.model.js';
import type { Message } from '../messages/message.model.js';
import type { Report } from '../moderation/report.model.js';
import type { MembershipEvent } from '../rooms/membership-event.model.js';
import { boolean, Codec, CodecError, date, Fields, id, Json, list, literal, nullable, object, oneOf, orWhenMissing, string } from '../realtime/codec.js';
import type { DomainEvent, DomainEventType, EventOf } from '../realtime/domain-events.js';
import { EventCodec } from '../realtime/event-codec.js';
import { MembershipEventType } from '../rooms/membership-event.model.js';
import type { WebhookEvent, WebhookEventType } from './webhook-events.js';
import { membershipEventCodec, messageCodec, reportCodec, roomCodec, userCodec } from './view-codecs.js';

/** The GraphQL room subscriptions (LiveResolver), each with the view it carries. */
export interface RoomTopics {
  messageAdded: Message;
  messageUpdated: Message;
  messageDeleted: Message;
  membershipChanged: MembershipEvent;
  typing: TypingEvent;
  readReceipt: ReadReceipt;
  reportCreated: Report;
}
export type RoomTopic = keyof RoomTopics;

/** A room subscription an event feeds: its topic, and the payload its subscribers get (built once per event). */
export type TopicFeed<T extends DomainEventType> = {
  [K in RoomTopic]: { readonly topic: K; readonly payload: (event: EventOf<T>) => RoomTopics[K] };
}[RoomTopic];

/** An item of myEvents but its roomId (the event's room): its type and the field that type names. */
export type MyEventItem = Omit<MyEvent, 'roomId'>;

/** What the table says of one event type. Only `fields` is required: an event that feeds no client is read by caches. */
export interface EventEntry<T extends DomainEventType> {
  /** A codec for every field but `type`: how the event crosses Redis (dates, ids, enums by type, never by name). */
  readonly fields: Omit<Fields<EventOf<T>>, 'type'>;
  /** The GraphQL room subscription it feeds. */
  readonly subscription?: TopicFeed<T>;
  /** Its item on myEvents, for the members of its room. */
  readonly myEvents?: (event: EventOf<T>) => MyEventItem;
  /** Whose content it is: a subscriber who blocked that user gets neither its subscription payload nor its myEvents item. */
  readonly author?: (event: EventOf<T>) => string | null;
  /** The legacy gateway turns it into socket events; its handler (legacy-event.bridge.ts) is typed to exist. */
  readonly legacy?: true;
  /** The webhook events it causes (README "Webhooks" documents each `data`); recorded by webhooks/webhook-outbox.ts. */
  readonly webhook?: (event: EventOf<T>) => readonly WebhookEvent[];
}

export type EventTable = { readonly [T in DomainEventType]: EventEntry<T> };

const typingOf = (event: EventOf<'typing'>): TypingEvent => ({ roomId: event.roomId, user: event.user, isTyping: event.isTyping });
const receiptOf = (event: EventOf<'receipt'>): ReadReceipt =>
  ({ roomId: event.roomId, user: event.user, messageId: event.messageId, kind: event.kind as ReceiptKind, at: event.at });
const messageAuthor = (event: { message: Message }) => event.message.author?.id ?? null;
const messageHook = (type: WebhookEventType) => (event: { roomId: string; message: Message }): WebhookEvent[] =>
  [{ type, data: { roomId: event.roomId, message: event.message } }];
/** Membership changes by kind; a role change has no webhook. */
const MEMBERSHIP_HOOKS: Partial<Record<MembershipEventType, WebhookEventType>> = {
  JOINED: 'member.joined', LEFT: 'member.left', MUTED: 'user.muted', UNMUTED: 'user.unmuted', BANNED: 'user.banned', UNBANNED: 'user.unbanned',
};
const membershipHook = (event: EventOf<'membership.changed'>): WebhookEvent[] => {
  const type = MEMBERSHIP_HOOKS[event.change.type];
  return type ? [{ type, data: { ...event.change } }] : [];
};
/** Every update is room.updated; one that froze the room is room.frozen too. */
const roomUpdatedHook = (event: EventOf<'room.updated'>): WebhookEvent[] => [
  { type: 'room.updated', data: { room: event.room, changed: event.changed } },
  ...(event.changed.includes('frozen') && event.room.frozen ? [{ type: 'room.frozen' as const, data: { room: event.room } }] : []),
];

/**
 * Every domain event, declared once: how it crosses Redis and what it feeds. Checked against
 * DomainEventType (realtime/domain-events.ts, the shapes services publish): an event type without
 * an entry does not compile, nor does an entry whose codecs or payloads do not fit its event.
 * The bridges (graphql/graphql-event.bridge.ts, legacy/legacy-event.bridge.ts) read it.
 */
export const EVENTS = {
  'message.created': {
    fields: { appId: id, roomId: id, message: messageCodec },
    subscription: { topic: 'messageAdded', payload: (event) => event.message },
    myEvents: (event) => ({ type: MyEventType.MESSAGE_ADDED, message: event.message }),
    author: messageAuthor,
    legacy: true,
    webhook: messageHook('message.created'),
  },
  'message.updated': {
    fields: { appId: id, roomId: id, message: messageCodec },
    subscription: { topic: 'messageUpdated', payload: (event) => event.message },
    myEvents: (event) => ({ type: MyEventType.MESSAGE_UPDATED, message: event.message }),
    author: messageAuthor,
    webhook: messageHook('message.updated'),
  },
  'message.deleted': {
    fields: { appId: id, roomId: id, message: messageCodec },
    subscription: { topic: 'messageDeleted', payload: (event) => event.message },
    myEvents: (event) => ({ type: MyEventType.MESSAGE_DELETED, message: event.message }),
    author: messageAuthor,
    webhook: messageHook('message.deleted'),
  },
  'membership.changed': {
    fields: { appId: id, roomId: id, change: membershipEventCodec },
    subscription: { topic: 'membershipChanged', payload: (event) => event.change },
    myEvents: (event) => ({ type: MyEventType.MEMBERSHIP_CHANGED, membership: event.change }),
    legacy: true,
    webhook: membershipHook,
  },
  'room.updated': {
    fields: { appId: id, roomId: id, room: roomCodec, changed: list(string) },
    myEvents: (event) => ({ type: MyEventType.ROOM_UPDATED, room: event.room }),
    legacy: true,
    webhook: roomUpdatedHook,
  },
  'room.deleted': {
    fields: { appId: id, roomId: id, room: roomCodec },
    myEvents: (event) => ({ type: MyEventType.ROOM_DELETED, room: event.room }),
    webhook: (event) => [{ type: 'room.deleted', data: { room: event.room } }],
  },
  /** For webhooks only: clients learn of rooms they were added to by membership.changed. */
  'room.created': {
    fields: { appId: id, roomId: id, room: roomCodec },
    webhook: (event) => [{ type: 'room.created', data: { room: event.room } }],
  },
  typing: {
    fields: { appId: id, roomId: id, user: userCodec, isTyping: boolean },
    subscription: { topic: 'typing', payload: typingOf },
    myEvents: (event) => ({ type: MyEventType.TYPING, typing: typingOf(event) }),
  },
  receipt: {
    fields: { appId: id, roomId: id, user: userCodec, messageId: id, kind: oneOf('READ', 'DELIVERED'), at: date },
    subscription: { topic: 'readReceipt', payload: receiptOf },
    myEvents: (event) => ({ type: MyEventType.READ_RECEIPT, receipt: receiptOf(event) }),
  },
  /** The legacy user_joined / user_left; GraphQL reads presence by query. */
  'presence.changed': {
    fields: { appId: id, roomId: id, user: userCodec, online: boolean },
    legacy: true,
  },
  /** Caches of blocks on every instance, and the legacy blockers' channels. */
  'block.changed': {
    fields: { appId: id, roomId: literal(null), blockerId: id, blockedId: id, blocked: boolean },
    legacy: true,
  },
  /** Caches of users and open sockets' credentials on every instance. */
  'user.changed': {
    fields: { appId: id, roomId: literal(null), userIds: list(id) },
  },
  /** For webhooks only. */
  'user.created': {
    fields: { appId: id, roomId: literal(null), user: userCodec },
    webhook: (event) => [{ type: 'user.created', data: { user: event.user } }],
  },
  /** For webhooks only (caches follow the user.changed published with it). */
  'user.deleted': {
    fields: { appId: id, roomId: literal(null), userIds: list(id) },
    webhook: (event) => event.userIds.map((userId) => ({ type: 'user.deleted' as const, data: { user: { id: userId } } })),
  },
  /** Caches of the app and open sockets' credentials on every instance. */
  'app.changed': {
    fields: { appId: id, roomId: literal(null), secretRotated: orWhenMissing(boolean, true) }, // missing (an older instance): re-check its sockets
  },
  /** For the room's managers only: not on myEvents. */
  'report.created': {
    fields: { appId: id, roomId: nullable(id), report: reportCodec },
    subscription: { topic: 'reportCreated', payload: (event) => event.report },
    webhook: (event) => [{ type: 'report.created', data: { report: event.report } }],
  },
} satisfies EventTable;

/** The event types the legacy gateway handles (their entries say `legacy: true`). */
export type LegacyEventType = { [T in DomainEventType]: (typeof EVENTS)[T] extends { readonly legacy: true } ? T : never }[DomainEventType];

/** The entry of an event, for code that handles every type alike (the bridges). */
export function entryOf(event: DomainEvent): EventEntry<DomainEventType> {
  // Sound: the entry is looked up by the event's own type, so its functions get the event they were written for.
  return (EVENTS as EventTable)[event.type] as unknown as EventEntry<DomainEventType>;
}

/** The webhook events a domain event causes (none for most). */
export function webhookEventsOf(event: DomainEvent): readonly WebhookEvent[] {
  return entryOf(event).webhook?.(event) ?? [];
}

/** Each event type's codec: its `type` literal and the entry's fields. */
export const EVENT_CODECS = Object.fromEntries(
  Object.entries(EVENTS).map(([type, entry]) => [type, object({ type: literal(type), ...entry.fields } as Fields<DomainEvent>)]),
) as { readonly [T in DomainEventType]: Codec<EventOf<T>> };

const isEventType = (type: unknown): type is DomainEventType => typeof type === 'string' && Object.hasOwn(EVENT_CODECS, type);

/** The Redis bus's codec (RealtimeModule.forRoot({ codec: EVENT_CODEC })): every event through its type's codec. */
class TableEventCodec extends EventCodec {
  encode(event: DomainEvent): Json {
    return (EVENT_CODECS[event.type] as Codec<DomainEvent>).encode(event);
  }

  decode(input: unknown, path = 'event'): DomainEvent {
    const type = (input as { type?: unknown } | null)?.type;
    if (!isEventType(type)) throw new CodecError(`${path}.type`, 'a domain event type');
    return EVENT_CODECS[type].decode(input, path);
  }
}

export const EVENT_CODEC: EventCodec = new TableEventCodec();
