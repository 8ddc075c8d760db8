import type { AttachmentFile } from '../media/attachment.model.js';
import { Message, MessageKind } from '../messages/message.model.js';
import { Report, ReportCategory, ReportStatus, ReportTarget } from '../moderation/report.model.js';
import { MemberRole } from '../rooms/member.model.js';
import { MembershipEvent, MembershipEventType } from '../rooms/membership-event.model.js';
import { Room, RoomType } from '../rooms/room.model.js';
import { User, UserRole } from '../users/user.model.js';
import {
  boolean, Codec, CodecError, date, enumOf, Fields, id, integer, Json, jsonObject, list, listOrEmpty, literal, nullable, object, oneOf, string,
} from './codec.js';
import type { DomainEvent, DomainEventType, EventOf } from './domain-events.js';

// The views events carry, field by field: a field added to a view fails to compile here until it has a codec.

export const userCodec = object<User>({
  id, externalId: nullable(string), uname: string, displayName: nullable(string), role: enumOf(UserRole),
  isBot: boolean, meta: nullable(jsonObject), createdAt: date,
});

export const attachmentFileCodec = object<AttachmentFile>({
  id, contentType: string, name: string, size: integer, width: nullable(integer), height: nullable(integer), hasThumbnail: boolean,
});

export const messageCodec = object<Message>({
  id, roomId: id, author: nullable(userCodec), kind: enumOf(MessageKind), text: nullable(string), meta: nullable(jsonObject),
  clientMsgId: nullable(string), createdAt: date, editedAt: nullable(date), deletedAt: nullable(date), attachments: listOrEmpty(attachmentFileCodec),
});

export const roomCodec = object<Room>({
  id, key: nullable(string), name: nullable(string), type: enumOf(RoomType), status: nullable(string), frozen: boolean,
  meta: nullable(jsonObject), createdAt: date, updatedAt: date,
});

export const membershipEventCodec = object<MembershipEvent>({
  type: enumOf(MembershipEventType), roomId: id, user: userCodec, actor: nullable(userCodec), role: nullable(enumOf(MemberRole)),
  mutedUntil: nullable(date), bannedUntil: nullable(date), reason: nullable(string),
});

export const reportCodec = object<Report>({
  id, roomId: nullable(id), reporter: nullable(userCodec), targetType: enumOf(ReportTarget), targetUser: nullable(userCodec),
  targetMessage: nullable(messageCodec), category: enumOf(ReportCategory), reason: nullable(string), status: enumOf(ReportStatus),
  resolution: nullable(string), createdAt: date, resolvedAt: nullable(date),
});

/** One event type's codec: its `type` literal plus the codecs of its other fields. */
const event = <T extends DomainEventType>(type: T, fields: Omit<Fields<EventOf<T>>, 'type'>): Codec<EventOf<T>> =>
  object<EventOf<T>>({ type: literal(type), ...fields } as unknown as Fields<EventOf<T>>);

/**
 * Every domain event type with its codec. Typed over DomainEventType: a new event type without
 * a codec here does not compile, and each codec must produce exactly that event's shape.
 */
export const EVENT_CODECS: { readonly [T in DomainEventType]: Codec<EventOf<T>> } = {
  'message.created': event('message.created', { appId: id, roomId: id, message: messageCodec }),
  'message.updated': event('message.updated', { appId: id, roomId: id, message: messageCodec }),
  'message.deleted': event('message.deleted', { appId: id, roomId: id, message: messageCodec }),
  'membership.changed': event('membership.changed', { appId: id, roomId: id, change: membershipEventCodec }),
  'room.updated': event('room.updated', { appId: id, roomId: id, room: roomCodec, changed: list(string) }),
  'room.deleted': event('room.deleted', { appId: id, roomId: id, room: roomCodec }),
  typing: event('typing', { appId: id, roomId: id, user: userCodec, isTyping: boolean }),
  receipt: event('receipt', { appId: id, roomId: id, user: userCodec, messageId: id, kind: oneOf('READ', 'DELIVERED'), at: date }),
  'presence.changed': event('presence.changed', { appId: id, roomId: id, user: userCodec, online: boolean }),
  'block.changed': event('block.changed', { appId: id, roomId: literal(null), blockerId: id, blockedId: id, blocked: boolean }),
  'user.changed': event('user.changed', { appId: id, roomId: literal(null), userIds: list(id) }),
  'app.changed': event('app.changed', { appId: id, roomId: literal(null) }),
  'report.created': event('report.created', { appId: id, roomId: nullable(id), report: reportCodec }),
};

const isEventType = (type: unknown): type is DomainEventType => typeof type === 'string' && Object.hasOwn(EVENT_CODECS, type);

/** A domain event as plain JSON, through its type's codec. */
export function encodeEvent(value: DomainEvent): Json {
  return (EVENT_CODECS[value.type] as Codec<DomainEvent>).encode(value);
}

/** The domain event again, exactly as it was published; throws CodecError when the input is not one. */
export function decodeEvent(input: unknown, path = 'event'): DomainEvent {
  const type = (input as { type?: unknown } | null)?.type;
  if (!isEventType(type)) throw new CodecError(`${path}.type`, 'a domain event type');
  return EVENT_CODECS[type].decode(input, path);
}
