import type { AttachmentFile } from '../media/attachment.model.js';
import { Message, MessageKind } from '../messages/message.model.js';
import { Report, ReportCategory, ReportStatus, ReportTarget } from '../moderation/report.model.js';
import { MemberRole } from '../rooms/member.model.js';
import { MembershipEvent, MembershipEventType } from '../rooms/membership-event.model.js';
import { Room, RoomType } from '../rooms/room.model.js';
import { User, UserRole } from '../users/user.model.js';
import { boolean, date, enumOf, id, integer, jsonObject, listOrEmpty, nullable, object, string } from '../realtime/codec.js';

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
