import { Injectable } from '@nestjs/common';
import type { ScopedPrincipal } from '../principal/principal.js';
import { badInput, ChatError, forbidden, notFound } from '../common/errors/chat-error.js';
import { AppScope, scopeOf } from '../database/app-scope.js';
import { UnitOfWork } from '../database/transaction.js';
import { EventBus } from '../realtime/event-bus.js';
import { EventOutbox } from '../realtime/event-outbox.js';
import { membershipEvent } from '../rooms/member.mapper.js';
import { MembersRepository } from '../rooms/members.repository.js';
import { MembershipEvent, MembershipEventType } from '../rooms/membership-event.model.js';
import { RoomAccessService, STAFF_ROLES } from '../rooms/room-access.service.js';
import { UserEntity, UserRoleValue } from '../users/user.entity.js';
import { toUser, User } from '../users/user.model.js';
import { UsersRepository } from '../users/users.repository.js';
import { UsersService } from '../users/users.service.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { Ban, AuditEntry } from '../rooms/ban.model.js';
import { BansRepository } from '../rooms/bans.repository.js';
import { toMember } from '../rooms/member.mapper.js';
import { Member, MemberRole } from '../rooms/member.model.js';
import { Room } from '../rooms/room.model.js';
import { RoomsService } from '../rooms/rooms.service.js';
import { Mute } from '../rooms/mute.model.js';
import { MutesRepository, MuteWithUser } from '../rooms/mutes.repository.js';

/** A year: the longest mute. */
export const MAX_MUTE_MINUTES = 525_600;
export const MAX_REASON_LENGTH = 500;
/** Ten years: the longest ban with an end. */
export const MAX_BAN_SECONDS = 10 * 365 * 24 * 3600;

const RANK: Record<UserRoleValue, number> = { MEMBER: 0, MOD: 1, ADMIN: 2, OWNER: 3 };

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
    private readonly bans: BansRepository,
    private readonly audit: AuditLogRepository,
    private readonly users: UsersRepository,
    private readonly members: MembersRepository,
    private readonly access: RoomAccessService,
    private readonly roomsService: RoomsService,
    private readonly events: EventBus,
    private readonly outbox: EventOutbox,
    private readonly uow: UnitOfWork,
    private readonly usersService: UsersService,
  ) {}

  async mute(caller: ScopedPrincipal, roomId: string, userId: string, minutes: number, reason?: string | null): Promise<MembershipEvent> {
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_MUTE_MINUTES) {
      throw badInput(`minutes must be a whole number from 1 to ${MAX_MUTE_MINUTES}`);
    }
    const note = this.reasonOf(reason);
    const { roomId: room, target, actor } = await this.requireModerator(caller, roomId, userId);
    const startsAt = new Date();
    const endsAt = new Date(startsAt.getTime() + minutes * 60_000);
    const change = membershipEvent(MembershipEventType.MUTED, room, toUser(target), actor, { mutedUntil: endsAt, reason: note });
    await this.uow.run(async (tx) => {
      await this.mutes.upsert(caller.scope, { roomId: room, userId: target.id, mutedBy: actor?.id ?? null, minutes, reason: note, startsAt, endsAt }, tx);
      await this.audit.append(caller.scope, this.entry(caller, actor, room, 'MUTE', target.id, note, { minutes, endsAt: endsAt.toISOString() }), tx);
      await this.outbox.record([this.eventOf(caller.scope, change)], tx);
    });
    return this.announce(caller.scope, change, true);
  }

  /** Ends the user's mute now. NOT_FOUND "User not in mutelist" when there is none running. */
  async unmute(caller: ScopedPrincipal, roomId: string, userId: string): Promise<MembershipEvent> {
    const { roomId: room, target, actor } = await this.requireModerator(caller, roomId, userId);
    const running = await this.mutes.findActive(caller.scope, room, target.id);
    if (!running) throw notMuted();
    const change = membershipEvent(MembershipEventType.UNMUTED, room, toUser(target), actor);
    const removed = await this.uow.run(async (tx) => {
      if ((await this.mutes.delete(caller.scope, room, target.id, tx)) === 0) return false;
      await this.audit.append(caller.scope, this.entry(caller, actor, room, 'UNMUTE', target.id, null, { endsAt: running.endsAt.toISOString() }), tx);
      await this.outbox.record([this.eventOf(caller.scope, change)], tx);
      return true;
    });
    if (!removed) throw notMuted();
    return this.announce(caller.scope, change, true);
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

  /** Ends expired mutes of every app, announcing UNMUTED (actor null) once per mute, whichever instance ends it. */
  async expireMutes(now = new Date(), batch = 200): Promise<number> {
    const rows = await this.mutes.findExpired(now, batch);
    return this.expire(rows, (scope, id) => this.mutes.deleteExpired(scope, id, now), MembershipEventType.UNMUTED);
  }

  /**
   * Bans the user from the room for `seconds` (none: until unbanned): they leave it at once, their
   * live streams of it stop, and they cannot join, read or write it (BANNED) until it ends.
   */
  async ban(caller: ScopedPrincipal, roomId: string, userId: string, seconds?: number | null, reason?: string | null): Promise<MembershipEvent> {
    if (seconds !== undefined && seconds !== null && (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_BAN_SECONDS)) {
      throw badInput(`seconds must be a whole number from 1 to ${MAX_BAN_SECONDS}, or left out for a ban without end`);
    }
    const note = this.reasonOf(reason);
    const { roomId: room, target, actor } = await this.requireModerator(caller, roomId, userId);
    const startsAt = new Date();
    const endsAt = seconds ? new Date(startsAt.getTime() + seconds * 1000) : null;
    const change = membershipEvent(MembershipEventType.BANNED, room, toUser(target), actor, { bannedUntil: endsAt, reason: note });
    await this.uow.run(async (tx) => {
      await this.members.delete(caller.scope, room, target.id, tx);
      await this.bans.upsert(caller.scope, { roomId: room, userId: target.id, bannedBy: actor?.id ?? null, reason: note, startsAt, endsAt }, tx);
      await this.audit.append(caller.scope, this.entry(caller, actor, room, 'BAN', target.id, note, { seconds: seconds ?? null, endsAt: endsAt?.toISOString() ?? null }), tx);
      await this.outbox.record([this.eventOf(caller.scope, change)], tx);
    });
    return this.announce(caller.scope, change, true);
  }

  /** Ends the user's ban now; NOT_FOUND "User not banned" when there is none running. */
  async unban(caller: ScopedPrincipal, roomId: string, userId: string): Promise<MembershipEvent> {
    const { roomId: room, target, actor } = await this.requireModerator(caller, roomId, userId);
    if (!(await this.bans.findActive(caller.scope, room, target.id))) throw new ChatError('NOT_FOUND', 'User not banned');
    const change = membershipEvent(MembershipEventType.UNBANNED, room, toUser(target), actor);
    await this.uow.run(async (tx) => {
      await this.bans.delete(caller.scope, room, target.id, tx);
      await this.audit.append(caller.scope, this.entry(caller, actor, room, 'UNBAN', target.id, null, null), tx);
      await this.outbox.record([this.eventOf(caller.scope, change)], tx);
    });
    return this.announce(caller.scope, change, true);
  }

  async listBans(caller: ScopedPrincipal, roomId: string): Promise<Ban[]> {
    const { room } = await this.access.requireManager(caller, roomId);
    return (await this.bans.listActive(caller.scope, room.id)).map((row) => ({
      user: toUser(row.userRow), startsAt: row.startsAt, endsAt: row.endsAt, reason: row.reason,
    }));
  }

  /** Ends expired bans of every app, announcing UNBANNED once per ban (see expireMutes). */
  async expireBans(now = new Date(), batch = 200): Promise<number> {
    const rows = await this.bans.findExpired(now, batch);
    return this.expire(rows, (scope, id) => this.bans.deleteExpired(scope, id, now), MembershipEventType.UNBANNED);
  }

  /**
   * Deletes each expired row by id and announces its end only when this call deleted it, so of
   * several instances sweeping at once exactly one announces each.
   */
  private async expire(rows: readonly { id: string; appId: string; roomId: string; userRow: UserEntity }[],
    remove: (scope: AppScope, id: string) => Promise<unknown>, type: MembershipEventType): Promise<number> {
    let ended = 0;
    for (const row of rows) {
      const scope = scopeOf(row.appId); // the sweeper names each row's own tenant, read from the row
      if (!(await remove(scope, row.id))) continue;
      ended++;
      await this.announce(scope, membershipEvent(type, row.roomId, toUser(row.userRow), null));
    }
    return ended;
  }

  /** While frozen, only the room's managers and staff write (ROOM_FROZEN for the others). */
  async freeze(caller: ScopedPrincipal, roomId: string, frozen: boolean): Promise<Room> {
    const { room } = await this.access.requireManager(caller, roomId);
    const actor = await this.access.actorOf(caller);
    await this.audit.append(caller.scope, this.entry(caller, actor, room.id, frozen ? 'FREEZE' : 'UNFREEZE', null, null, null));
    return this.roomsService.setFrozen(caller.scope, room.id, frozen);
  }

  /**
   * The app role of a user: the app backend sets any; an ADMIN or OWNER sets roles below their
   * own, on users below their own.
   */
  async setUserRole(caller: ScopedPrincipal, userId: string, role: UserRoleValue): Promise<User> {
    const target = await this.users.findById(caller.scope, userId);
    if (!target) throw notFound('User');
    let actor: User | null = null;
    if (caller.kind === 'user') {
      if (RANK[caller.role] < RANK.ADMIN) throw forbidden('Only the app backend, admins and owners set roles');
      if (target.id === caller.userId) throw forbidden('You cannot change your own role');
      if (RANK[target.role] >= RANK[caller.role]) throw forbidden('You cannot act on a user of your app role or higher');
      if (RANK[role] >= RANK[caller.role]) throw forbidden('You can only give roles below your own');
      actor = await this.access.actorOf(caller);
    }
    await this.users.setRole(caller.scope, target.id, role);
    await this.usersService.changed(caller.scope, [target.id]);
    await this.audit.append(caller.scope, this.entry(caller, actor, null, 'SET_ROLE', target.id, null, { from: target.role, to: role }));
    return toUser({ ...target, role });
  }

  /** Makes a user a MANAGER of the room (adding them as a member if needed). */
  async registerManager(caller: ScopedPrincipal, roomId: string, userId: string): Promise<Member> {
    const { roomId: room, target, actor } = await this.requireRoomRoleChange(caller, roomId, userId);
    const { member, created } = await this.members.insertOnce(caller.scope, { roomId: room, userId: target.id, role: 'MANAGER' });
    if (!created && member.role !== 'MANAGER') await this.members.setRole(caller.scope, room, target.id, 'MANAGER');
    if (created || member.role !== 'MANAGER') {
      await this.audit.append(caller.scope, this.entry(caller, actor, room, 'ADD_MANAGER', target.id, null, null));
      const type = created ? MembershipEventType.JOINED : MembershipEventType.ROLE_CHANGED;
      await this.announce(caller.scope, membershipEvent(type, room, toUser(target), actor, { role: MemberRole.MANAGER }));
    }
    return toMember({ ...member, role: 'MANAGER' }, target);
  }

  /** Makes a MANAGER a plain member again; NOT_FOUND "Not a manager" otherwise. */
  async deleteManager(caller: ScopedPrincipal, roomId: string, userId: string): Promise<Member> {
    const { roomId: room, target, actor } = await this.requireRoomRoleChange(caller, roomId, userId);
    const member = await this.members.find(caller.scope, room, target.id);
    if (member?.role !== 'MANAGER') throw new ChatError('NOT_FOUND', 'Not a manager');
    await this.members.setRole(caller.scope, room, target.id, 'MEMBER');
    await this.audit.append(caller.scope, this.entry(caller, actor, room, 'REMOVE_MANAGER', target.id, null, null));
    await this.announce(caller.scope, membershipEvent(MembershipEventType.ROLE_CHANGED, room, toUser(target), actor, { role: MemberRole.MEMBER }));
    return toMember({ ...member, role: 'MEMBER' }, target);
  }

  async managers(caller: ScopedPrincipal, roomId: string): Promise<Member[]> {
    const { room } = await this.access.requireReader(caller, roomId);
    return (await this.members.listWithUsers(caller.scope, room.id, { role: 'MANAGER' })).map((m) => toMember(m, m.userRow, m.mute?.endsAt ?? null));
  }

  /** The room's moderation log (without a room: the app-wide entries, such as roles), for the app backend and staff. */
  async log(caller: ScopedPrincipal, roomId: string | null, limit: number, before: string | null): Promise<AuditEntry[]> {
    if (!this.access.isStaff(caller)) throw forbidden('Only the app backend and staff read the moderation log');
    if (roomId) await this.access.requireReader(caller, roomId);
    const rows = await this.audit.listForRoom(caller.scope, roomId, limit, before);
    const ids = [...new Set(rows.flatMap((r) => [r.actorUserId, r.targetUserId]).filter((id): id is string => !!id))];
    const users = new Map((await this.users.findByIds(caller.scope, ids)).map((u) => [u.id, toUser(u)]));
    return rows.map((r) => ({
      id: r.id, roomId: r.roomId, actorKind: r.actorKind, actor: r.actorUserId ? users.get(r.actorUserId) ?? null : null, action: r.action,
      target: r.targetUserId ? users.get(r.targetUserId) ?? null : null, reason: r.reason, details: r.details, createdAt: r.createdAt,
    }));
  }

  /** Room roles: the app backend, staff or a manager of the room; never on a staff member of equal or higher rank. */
  private async requireRoomRoleChange(caller: ScopedPrincipal, roomId: string, userId: string): Promise<{ roomId: string; target: UserEntity; actor: User | null }> {
    const { room } = await this.access.requireManager(caller, roomId);
    if (room.type === 'DIRECT') throw badInput('A DIRECT room has no managers');
    const target = await this.users.findById(caller.scope, userId);
    if (!target) throw notFound('User');
    if (caller.kind === 'user' && RANK[target.role] > 0 && RANK[target.role] >= RANK[caller.role]) throw forbidden('You cannot act on a user of your app role or higher');
    return { roomId: room.id, target, actor: await this.access.actorOf(caller) };
  }

  private reasonOf(reason: string | null | undefined): string | null {
    const note = reason?.trim() || null;
    if (note && note.length > MAX_REASON_LENGTH) throw badInput(`reason must be at most ${MAX_REASON_LENGTH} characters`);
    return note;
  }

  private entry(caller: ScopedPrincipal, actor: User | null, roomId: string | null, action: string, targetUserId: string | null, reason: string | null, details: Record<string, unknown> | null) {
    return { roomId, actorKind: caller.kind === 'app' ? 'APP' as const : 'USER' as const, actorUserId: actor?.id ?? null, action, targetUserId, reason, details };
  }

  /** Publishes the change; `recorded`: its webhook deliveries were recorded in its transaction, else they are recorded now, right after it. */
  private async announce(scope: AppScope, change: MembershipEvent, recorded = false): Promise<MembershipEvent> {
    const event = this.eventOf(scope, change);
    if (!recorded) await this.outbox.recordAfter([event]);
    await this.events.publish(event);
    return change;
  }

  private eventOf(scope: AppScope, change: MembershipEvent) {
    return { type: 'membership.changed' as const, appId: scope.appId, roomId: change.roomId, change };
  }

  /** NOT_FOUND for an unknown room or user; FORBIDDEN unless the caller may act on the target here. */
  private async requireModerator(caller: ScopedPrincipal, roomId: string, userId: string): Promise<{ roomId: string; target: UserEntity; actor: User | null }> {
    const { room } = await this.access.requireManager(caller, roomId);
    const target = await this.users.findById(caller.scope, userId);
    if (!target) throw notFound('User');
    if (caller.kind === 'app') return { roomId: room.id, target, actor: null };
    if (target.id === caller.userId) throw forbidden('You cannot do this to yourself');
    if (RANK[target.role] >= RANK[caller.role] && RANK[target.role] > 0) throw forbidden('You cannot act on a user of your app role or higher');
    if (!STAFF_ROLES.has(caller.role)) {
      const targetMembership = await this.members.find(caller.scope, room.id, target.id);
      if (targetMembership?.role === 'MANAGER') throw forbidden('A manager cannot act on another manager');
    }
    return { roomId: room.id, target, actor: await this.access.actorOf(caller) };
  }
}

const notMuted = () => new ChatError('NOT_FOUND', 'User not in mutelist');

const toMute = (row: MuteWithUser): Mute => ({
  user: toUser(row.userRow), minutes: row.minutes, startsAt: row.startsAt, endsAt: row.endsAt, reason: row.reason,
});
