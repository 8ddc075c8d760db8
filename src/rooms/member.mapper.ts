import { toUser, User } from '../users/user.model.js';
import { UserEntity } from '../users/user.entity.js';
import { MemberEntity } from './member.entity.js';
import { Member, MemberRole } from './member.model.js';
import { MembershipEvent, MembershipEventType } from './membership-event.model.js';

export function toMember(row: MemberEntity, user: UserEntity, mutedUntil: Date | null = null): Member {
  return {
    roomId: row.roomId, user: toUser(user), role: row.role as MemberRole, joinedAt: row.joinedAt, mutedUntil,
    lastReadMessageId: row.lastReadMessageId, lastDeliveredMessageId: row.lastDeliveredMessageId,
  };
}

export function membershipEvent(
  type: MembershipEventType, roomId: string, user: User, actor: User | null,
  extra: Partial<Pick<MembershipEvent, 'role' | 'mutedUntil' | 'bannedUntil' | 'reason'>> = {},
): MembershipEvent {
  return { type, roomId, user, actor, role: extra.role ?? null, mutedUntil: extra.mutedUntil ?? null, bannedUntil: extra.bannedUntil ?? null, reason: extra.reason ?? null };
}
