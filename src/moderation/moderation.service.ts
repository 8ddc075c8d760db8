import { Injectable } from '@nestjs/common';
import type { ScopedPrincipal } from '../auth/principal.js';
import { badInput, ChatError, forbidden, notFound } from '../common/errors/chat-error.js';
import { AppScope, scopeOf } from '../database/app-scope.js';
import { UnitOfWork } from '../database/transaction.js';
import { EventBus } from '../realtime/event-bus.js';
import { membershipEvent } from '../rooms/member.mapper.js';
import { MembersRepository } from '../rooms/members.repository.js';
import { MembershipEvent, MembershipEventType } from '../rooms/membership-event.model.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import { UserEntity, UserRoleValue } from '../users/user.entity.js';
import { toUser, User } from '../users/user.model.js';
import { UsersRepository } from '../users/users.repository.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { Mute } from './mute.model.js';
import { MutesRepository, MuteWithUser } from './mutes.repository.js';

/** A year: the longest mute. */
export const MAX_MUTE_MINUTES = 525_600;
export const MAX_REASON_LENGTH = 500;

const RANK: Record<UserRoleValue, number> = { MEMBER: 0, MOD: 1, ADMIN: 2, OWNER: 3 };
const isStaffRole = (role: UserRoleValue) => RANK[role] > 0;

/**
 * Moderation rules, for every transport (GraphQL and the legacy socket's slash commands).
 * Who may act in a room: the app backend, staff (MOD/ADMIN/OWNER), or a MANAGER of the room.
 * Whom: nobody but the app backend acts on someone of a higher or equal app role, and a manager
 * who is not staff acts on plain members only (not on other managers).
 */
@Injectable()
export class ModerationService {
  constructor(
    private readonly mutes: MutesRepository,
    private readonly audit: AuditLogRepository,
    private readonly users: UsersRepository,
    private readonly members: MembersRepository,
    private readonly access: RoomAccessService,
    private readonly events: EventBus,
    private readonly uow: UnitOfWork,
  ) {}

  async mute(caller: ScopedPrincipal, roomId: string, userId: string, minutes: number, reason?: string | null): Promise<MembershipEvent> {
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_MUTE_MINUTES) {
      throw badInput(`minutes must be a whole number from 1 to ${MAX_MUTE_MINUTES}`);
    }
    const note = reason?.trim() || null;
    if (note && note.length > MAX_REASON_LENGTH) throw badInput(`reason must be at most ${MAX_REASON_LENGTH} characters`);
    const { roomId: room, target, actor } = await this.requireModerator(caller, roomId, userId);
    const startsAt = new Date();
    const endsAt = new Date(startsAt.getTime() + minutes * 60_000);
    await this.uow.run(async (tx) => {
      await this.mutes.upsert(caller.scope, { roomId: room, userId: target.id, mutedBy: actor?.id ?? null, minutes, reason: note, startsAt, endsAt }, tx);
      await this.audit.append(caller.scope, {
        roomId: room, actorKind: actor ? 'USER' : 'APP', actorUserId: actor?.id ?? null, action: 'MUTE',
        targetUserId: target.id, reason: note, details: { minutes, endsAt: endsAt.toISOString() },
      }, tx);
    });
    const event = membershipEvent(MembershipEventType.MUTED, room, toUser(target), actor, { mutedUntil: endsAt, reason: note });
    await this.events.publish({ type: 'membership.changed', appId: caller.scope.appId, roomId: room, change: event });
    return event;
  }

  /** Ends the user's mute now. NOT_FOUND "User not in mutelist" when there is none running. */
  async unmute(caller: ScopedPrincipal, roomId: string, userId: string): Promise<MembershipEvent> {
    const { roomId: room, target, actor } = await this.requireModerator(caller, roomId, userId);
    const running = await this.mutes.findActive(caller.scope, room, target.id);
    if (!running) throw notMuted();
    const removed = await this.uow.run(async (tx) => {
      if ((await this.mutes.delete(caller.scope, room, target.id, tx)) === 0) return false;
      await this.audit.append(caller.scope, {
        roomId: room, actorKind: actor ? 'USER' : 'APP', actorUserId: actor?.id ?? null, action: 'UNMUTE',
        targetUserId: target.id, reason: null, details: { endsAt: running.endsAt.toISOString() },
      }, tx);
      return true;
    });
    if (!removed) throw notMuted();
    const event = membershipEvent(MembershipEventType.UNMUTED, room, toUser(target), actor);
    await this.events.publish({ type: 'membership.changed', appId: caller.scope.appId, roomId: room, change: event });
    return event;
  }

  /** The room's running mutes, for those who may mute there. */
  async listMutes(caller: ScopedPrincipal, roomId: string): Promise<Mute[]> {
    const { room } = await this.access.requireManager(caller, roomId);
    return this.activeMutes(caller.scope, room.id);
  }

  /** The room's running mutes, unchecked (the legacy lobby shows its mutelist to every socket). */
  async activeMutes(scope: AppScope, roomId: string): Promise<Mute[]> {
    return (await this.mutes.listActive(scope, roomId)).map(toMute);
  }

  /** MUTED (with mutedUntil) while the user's mute in the room runs; staff are never held. */
  async assertNotMuted(scope: AppScope, roomId: string, userId: string, role: UserRoleValue): Promise<void> {
    if (isStaffRole(role)) return;
    const mute = await this.mutes.findActive(scope, roomId, userId);
    if (!mute) return;
    const until = mute.endsAt.toISOString();
    throw new ChatError('MUTED', `You are muted until ${until}`, { mutedUntil: until });
  }

  /**
   * Ends expired mutes of every app: deletes each row by id and announces UNMUTED (actor null)
   * only for rows this call deleted, so of several instances exactly one announces each end.
   */
  async expireMutes(now = new Date(), batch = 200): Promise<number> {
    let ended = 0;
    for (const row of await this.mutes.findExpired(now, batch)) {
      const scope = scopeOf(row.appId); // the sweeper names each row's own tenant, read from the row
      if (!(await this.mutes.deleteExpired(scope, row.id, now))) continue;
      ended++;
      const event = membershipEvent(MembershipEventType.UNMUTED, row.roomId, toUser(row.userRow), null);
      await this.events.publish({ type: 'membership.changed', appId: row.appId, roomId: row.roomId, change: event });
    }
    return ended;
  }

  /** NOT_FOUND for an unknown room or user; FORBIDDEN unless the caller may act on the target here. */
  private async requireModerator(caller: ScopedPrincipal, roomId: string, userId: string): Promise<{ roomId: string; target: UserEntity; actor: User | null }> {
    const { room } = await this.access.requireManager(caller, roomId);
    const target = await this.users.findById(caller.scope, userId);
    if (!target) throw notFound('User');
    if (caller.kind === 'app') return { roomId: room.id, target, actor: null };
    if (target.id === caller.userId) throw forbidden('You cannot do this to yourself');
    if (RANK[target.role] >= RANK[caller.role] && RANK[target.role] > 0) throw forbidden('You cannot act on a user of your app role or higher');
    if (!isStaffRole(caller.role)) {
      const targetMembership = await this.members.find(caller.scope, room.id, target.id);
      if (targetMembership?.role === 'MANAGER') throw forbidden('A manager cannot act on another manager');
    }
    const actorRow = await this.users.findById(caller.scope, caller.userId);
    return { roomId: room.id, target, actor: actorRow ? toUser(actorRow) : null };
  }
}

const notMuted = () => new ChatError('NOT_FOUND', 'User not in mutelist');

const toMute = (row: MuteWithUser): Mute => ({
  user: toUser(row.userRow), minutes: row.minutes, startsAt: row.startsAt, endsAt: row.endsAt, reason: row.reason,
});
