import { Injectable } from '@nestjs/common';
import { ChatError, forbidden, notFound } from '../common/errors/chat-error.js';
import type { ScopedPrincipal } from '../principal/principal.js';
import { AppScope } from '../database/app-scope.js';
import { UserEntity } from '../users/user.entity.js';
import { toUser, User } from '../users/user.model.js';
import { UserCache } from '../users/user.cache.js';
import { MemberEntity } from './member.entity.js';
import { MembersRepository } from './members.repository.js';
import { RoomEntity } from './room.entity.js';
import { RoomsRepository } from './rooms.repository.js';
import { RoomAccessCache } from './room-access.cache.js';
import { SanctionsCache } from './sanctions.cache.js';

export const STAFF_ROLES = new Set(['MOD', 'ADMIN', 'OWNER']);

/** A room as one caller may see it: the room, and the caller's membership if any. */
export interface RoomAccess {
  room: RoomEntity;
  member: MemberEntity | null;
}

/**
 * Who may read, post in and manage a room. Every transport goes through here, so GraphQL and
 * the legacy socket cannot disagree. Read: members; anyone in the app for OPEN rooms; staff
 * (MOD/ADMIN/OWNER) and the app backend everywhere in the app.
 */
@Injectable()
export class RoomAccessService {
  constructor(
    private readonly rooms: RoomsRepository,
    private readonly members: MembersRepository,
    private readonly users: UserCache,
    private readonly sanctions: SanctionsCache,
    private readonly cache: RoomAccessCache,
  ) {}

  isStaff(caller: ScopedPrincipal): boolean {
    return caller.kind === 'app' || STAFF_ROLES.has(caller.role);
  }

  /** Who acts, as events name them: the calling user's view, or null for the app backend. */
  async actorOf(caller: ScopedPrincipal): Promise<User | null> {
    if (caller.kind !== 'user') return null;
    const row = await this.users.get(caller.scope, caller.userId);
    return row ? toUser(row) : null;
  }

  /** The ids of the rooms the user is a member of (myEvents follows them). */
  roomIdsOf(scope: AppScope, userId: string): Promise<string[]> {
    return this.members.roomIdsOf(scope, userId);
  }

  async requireRoom(scope: AppScope, roomId: string): Promise<RoomEntity> {
    const room = await this.cache.room(scope, roomId);
    if (!room) throw notFound('Room');
    return room;
  }

  /** The room and the caller's membership, as cached (`fresh`: as the database has them now). */
  async access(caller: ScopedPrincipal, roomId: string, fresh = false): Promise<RoomAccess> {
    const room = fresh ? await this.rooms.findById(caller.scope, roomId) : await this.cache.room(caller.scope, roomId);
    if (!room) throw notFound('Room');
    if (caller.kind !== 'user') return { room, member: null };
    const member = fresh ? await this.members.find(caller.scope, room.id, caller.userId) : await this.cache.member(caller.scope, room.id, caller.userId);
    return { room, member };
  }

  /** Access as cached when it allows; otherwise as the database has it now (a change may be on its way from another instance). */
  private async accessWhere(caller: ScopedPrincipal, roomId: string, allows: (access: RoomAccess) => boolean): Promise<RoomAccess> {
    const cached = await this.access(caller, roomId);
    return allows(cached) ? cached : this.access(caller, roomId, true);
  }

  canRead(caller: ScopedPrincipal, { room, member }: RoomAccess): boolean {
    return this.isStaff(caller) || room.type === 'OPEN' || member !== null;
  }

  /** NOT_FOUND for a room the app does not have; BANNED while banned from it; FORBIDDEN for one the caller may not read. */
  async requireReader(caller: ScopedPrincipal, roomId: string): Promise<RoomAccess> {
    const access = await this.accessWhere(caller, roomId, (a) => this.canRead(caller, a));
    await this.assertNotBanned(caller, access.room.id);
    if (!this.canRead(caller, access)) throw forbidden('You are not a member of this room');
    return access;
  }

  /** BANNED (with bannedUntil, null for no end) while the user's ban from the room runs. */
  async assertNotBanned(caller: ScopedPrincipal, roomId: string, userId = caller.kind === 'user' ? caller.userId : null): Promise<void> {
    if (!userId) return;
    const ban = await this.sanctions.ban(caller.scope, roomId, userId);
    if (!ban) return;
    const until = ban.until?.toISOString() ?? null;
    const who = caller.kind === 'user' && caller.userId === userId ? 'You are' : 'The user is';
    throw new ChatError('BANNED', `${who} banned from this room${until ? ` until ${until}` : ''}`, { bannedUntil: until });
  }

  /** Whether the caller still may read the room now (re-checked when memberships change). */
  async stillReads(caller: ScopedPrincipal, roomId: string): Promise<boolean> {
    const room = await this.rooms.findById(caller.scope, roomId);
    if (!room) return false;
    const member = caller.kind === 'user' ? await this.members.find(caller.scope, room.id, caller.userId) : null;
    if (caller.kind === 'user' && (await this.sanctions.ban(caller.scope, room.id, caller.userId))) return false;
    return this.canRead(caller, { room, member });
  }

  /**
   * May post: members, anyone in the app for OPEN rooms, staff; not while banned (BANNED) or
   * muted (MUTED; staff are never held), and in a frozen room only managers and staff
   * (ROOM_FROZEN). Returns the author's row.
   */
  async requirePoster(caller: ScopedPrincipal & { kind: 'user' }, roomId: string): Promise<RoomAccess & { author: UserEntity }> {
    const mayWrite = (a: RoomAccess) => this.canRead(caller, a) && !(a.room.type === 'DIRECT' && !a.member) && !(a.room.frozen && a.member?.role !== 'MANAGER');
    const [access, author] = await Promise.all([this.accessWhere(caller, roomId, mayWrite), this.users.get(caller.scope, caller.userId)]);
    await this.assertNotBanned(caller, access.room.id);
    if (!this.canRead(caller, access)) throw forbidden('You are not a member of this room');
    if (!author) throw notFound('User');
    if (access.room.type === 'DIRECT' && !access.member) throw forbidden('Only its two members write in a DIRECT room');
    const staff = STAFF_ROLES.has(author.role);
    if (!staff) {
      const mutedUntil = await this.sanctions.mutedUntil(caller.scope, access.room.id, author.id);
      if (mutedUntil) throw new ChatError('MUTED', `You are muted until ${mutedUntil.toISOString()}`, { mutedUntil: mutedUntil.toISOString() });
    }
    if (access.room.frozen && !staff && access.member?.role !== 'MANAGER') throw new ChatError('ROOM_FROZEN', 'The room is frozen: only its managers and staff may write');
    return { ...access, author };
  }

  /** Manage members and others' messages: the app backend, staff, or a MANAGER of the room. */
  async requireManager(caller: ScopedPrincipal, roomId: string): Promise<RoomAccess> {
    const access = await this.accessWhere(caller, roomId, (a) => this.isStaff(caller) || a.member?.role === 'MANAGER');
    if (this.isStaff(caller) || access.member?.role === 'MANAGER') return access;
    if (!this.canRead(caller, access)) throw forbidden('You are not a member of this room');
    throw forbidden('Only a manager of this room or staff may do this');
  }
}
