import { Message, MessageKind } from '../../src/messages/message.model.js';
import { Report, ReportCategory, ReportStatus, ReportTarget } from '../../src/moderation/report.model.js';
import { MembershipEventType } from '../../src/rooms/membership-event.model.js';
import { Room, RoomType } from '../../src/rooms/room.model.js';
import { User, UserRole } from '../../src/users/user.model.js';
import type { DomainEventType, EventOf } from '../../src/realtime/domain-events.js';

const at = (iso: string) => new Date(iso);

export const alice: User = {
  id: '11', externalId: 'ext-11', uname: 'alice', displayName: 'Alice', role: UserRole.MOD, isBot: false,
  meta: { city: 'Oslo', tags: ['a', 'b'], nested: { n: 1, ok: true, none: null } }, createdAt: at('2026-01-02T03:04:05.678Z'),
};
const bot: User = {
  id: '12', externalId: null, uname: 'helper', displayName: null, role: UserRole.MEMBER, isBot: true, meta: null,
  createdAt: at('2025-12-31T23:59:59.999Z'),
};
export const message: Message = {
  id: '9007199254740993', roomId: '5', author: alice, kind: MessageKind.TEXT, text: 'hello', meta: { reply: '7' },
  clientMsgId: 'c-1', createdAt: at('2026-03-04T05:06:07.089Z'), editedAt: at('2026-03-04T05:07:00.000Z'), deletedAt: null,
  attachments: [{ id: '40', contentType: 'image/png', name: 'cat é "x".png', size: 300000, width: 1200, height: 800, hasThumbnail: true },
    { id: '41', contentType: 'application/pdf', name: 'a.pdf', size: 9, width: null, height: null, hasThumbnail: false }],
};
const tombstone: Message = {
  ...message, id: '9007199254740994', author: null, kind: MessageKind.SYSTEM, text: null, meta: null, clientMsgId: null,
  editedAt: null, deletedAt: at('2026-03-04T06:00:00.001Z'), attachments: [],
};
const room: Room = {
  id: '5', key: 'lobby', name: 'Lobby', type: RoomType.OPEN, status: null, frozen: true, meta: { topic: 'x' },
  createdAt: at('2026-01-01T00:00:00.000Z'), updatedAt: at('2026-03-04T05:06:07.089Z'),
};
export const report: Report = {
  id: '3', roomId: '5', reporter: bot, targetType: ReportTarget.MESSAGE, targetUser: alice, targetMessage: message,
  category: ReportCategory.CUSTOM, reason: 'rude', status: ReportStatus.OPEN, resolution: null,
  createdAt: at('2026-03-05T00:00:00.000Z'), resolvedAt: null,
};

/**
 * A realistic sample of every event type: typed over DomainEventType, so a new event type
 * without a sample does not compile (as one without a codec does not).
 */
export const SAMPLES: { readonly [T in DomainEventType]: EventOf<T> } = {
  'message.created': { type: 'message.created', appId: '1', roomId: '5', message },
  'message.updated': { type: 'message.updated', appId: '1', roomId: '5', message },
  'message.deleted': { type: 'message.deleted', appId: '1', roomId: '5', message: tombstone },
  'membership.changed': {
    type: 'membership.changed', appId: '1', roomId: '5',
    change: { type: MembershipEventType.BANNED, roomId: '5', user: bot, actor: alice, role: null, mutedUntil: null,
      bannedUntil: at('2026-03-05T01:02:03.004Z'), reason: 'spam' },
  },
  'room.updated': { type: 'room.updated', appId: '1', roomId: '5', room, changed: ['frozen', 'name'] },
  'room.deleted': { type: 'room.deleted', appId: '1', roomId: '5', room: { ...room, key: null, type: RoomType.GROUP, meta: null } },
  'room.created': { type: 'room.created', appId: '1', roomId: '5', room },
  'user.created': { type: 'user.created', appId: '1', roomId: null, user: bot },
  'user.deleted': { type: 'user.deleted', appId: '1', roomId: null, userIds: ['11'] },
  typing: { type: 'typing', appId: '1', roomId: '5', user: alice, isTyping: true },
  receipt: { type: 'receipt', appId: '1', roomId: '5', user: bot, messageId: '9007199254740993', kind: 'READ', at: at('2026-03-04T05:06:08.123Z') },
  'presence.changed': { type: 'presence.changed', appId: '1', roomId: '5', user: alice, online: false },
  'block.changed': { type: 'block.changed', appId: '1', roomId: null, blockerId: '11', blockedId: '12', blocked: true },
  'user.changed': { type: 'user.changed', appId: '1', roomId: null, userIds: ['11', '12'] },
  'app.changed': { type: 'app.changed', appId: '1', roomId: null, secretRotated: true },
  'report.created': { type: 'report.created', appId: '1', roomId: null, report: { ...report, roomId: null, targetType: ReportTarget.USER, targetMessage: null } },
};
