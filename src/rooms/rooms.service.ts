import { Injectable } from '@nestjs/common';
import { badInput, conflict, forbidden, notFound } from '../common/errors/chat-error.js';
import { DeleteResult, deleted, notDeleted } from '../common/graphql/delete-result.model.js';
import type { AppPrincipal, ScopedPrincipal, UserPrincipal } from '../principal/principal.js';
import { AppScope } from '../database/app-scope.js';
import { UnitOfWork } from '../database/transaction.js';
import type { DomainEvent } from '../realtime/domain-events.js';
import { EventBus } from '../realtime/event-bus.js';
import { EventOutbox } from '../realtime/event-outbox.js';
import { PresenceService } from '../realtime/presence.service.js';
import { toUser, User } from '../users/user.model.js';
import { UserCache } from '../users/user.cache.js';
import { UsersRepository } from '../users/users.repository.js';
import { BlocksRepository } from '../users/blocks.repository.js';
import { assertMetaSize } from '../users/users.service.js';
import { MemberRoleValue } from './member.entity.js';
import { toMember, membershipEvent } from './member.mapper.js';
import { Member, MemberRole } from './member.model.js';
import { MembershipEventType } from './membership-event.model.js';
import { MembersRepository } from './members.repository.js';
import { RoomAccessService } from './room-access.service.js';
import { applyMetaPatch, MetaPatchInput } from '../common/graphql/meta-patch.input.js';
import { CreateRoomInput, RoomsArgs, UpdateRoomInput } from './room.inputs.js';
import { RoomEntity } from './room.entity.js';
import { Room, RoomType, toRoom } from './room.model.js';
import { RoomsRepository } from './rooms.repository.js';

const directKeyOf = (a: string, b: string) => (BigInt(a) < BigInt(b) ? `${a}:${b}` : `${b}:${a}`);

@Injectable()
export class RoomsService {
  constructor(
    private readonly rooms: RoomsRepository,
    private readonly members: MembersRepository,
    private readonly users: UsersRepository,
    private readonly userCache: UserCache,
    private readonly access: RoomAccessService,
    private readonly blocks: BlocksRepository,
    private readonly presence: PresenceService,
    private readonly events: EventBus,
    private readonly outbox: EventOutbox,
    private readonly uow: UnitOfWork,
  ) {}

  async create(caller: AppPrincipal, input: CreateRoomInput): Promise<Room> {
    assertMetaSize(input.meta);
    const type = input.type ?? RoomType.GROUP;
    const memberIds = [...new Set(input.memberIds ?? [])];
    if (type === RoomType.DIRECT && memberIds.length !== 2) throw badInput('A DIRECT room has exactly two memberIds');
    const users = await this.users.findByIds(caller.scope, memberIds);
    if (users.length !== memberIds.length) throw notFound('User');
    const directKey = type === RoomType.DIRECT ? directKeyOf(memberIds[0], memberIds[1]) : null;
    if (directKey && (await this.rooms.findByDirectKey(caller.scope, directKey))) throw conflict('These two users already have a DIRECT room');
    const room = await this.uow.run(async (tx) => {
      const row = await this.rooms.insert(caller.scope, {
        key: input.key ?? null, name: input.name ?? null, type, status: input.status ?? null, meta: input.meta ?? null, directKey,
      }, tx);
      for (const user of users) await this.members.insertOnce(caller.scope, { roomId: row.id, userId: user.id, role: 'MEMBER' }, tx);
      await this.outbox.record([{ type: 'room.created', appId: caller.scope.appId, roomId: row.id, room: toRoom(row) }], tx);
      return row;
    });
    await this.events.publish({ type: 'room.created', appId: caller.scope.appId, roomId: room.id, room: toRoom(room) });
    for (const user of users) await this.publishMembership(caller.scope, MembershipEventType.JOINED, room.id, toUser(user), null, MemberRole.MEMBER);
    return toRoom(room);
  }

  async get(caller: ScopedPrincipal, id: string | null | undefined, key: string | null | undefined): Promise<Room> {
    if (!id === !key) throw badInput('Give exactly one of id and key');
    const found = id ? await this.rooms.findById(caller.scope, id) : await this.rooms.findByKey(caller.scope, key!);
    if (!found) throw notFound('Room');
    await this.access.requireReader(caller, found.id);
    return toRoom(found);
  }

  async list(caller: AppPrincipal, args: RoomsArgs, offset: number, limit: number): Promise<{ nodes: Room[]; total: number }> {
    const [rows, total] = await this.rooms.listPage(caller.scope, { type: args.type, nameContains: args.nameContains, memberId: args.memberId }, offset, limit);
    return { nodes: rows.map(toRoom), total };
  }

  async mine(caller: UserPrincipal): Promise<Room[]> {
    return (await this.rooms.ofMember(caller.scope, caller.userId)).map(toRoom);
  }

  async update(caller: ScopedPrincipal, id: string, input: UpdateRoomInput): Promise<Room> {
    assertMetaSize(input.meta);
    const { room } = await this.access.requireManager(caller, id);
    if (input.type && (room.type === 'DIRECT') !== (input.type === RoomType.DIRECT)) throw badInput('A room cannot become or stop being DIRECT');
    const changes: Partial<Pick<RoomEntity, 'name' | 'status' | 'type' | 'meta' | 'key'>> = {};
    if (input.key !== undefined) changes.key = input.key;
    if (input.name !== undefined) changes.name = input.name;
    if (input.status !== undefined) changes.status = input.status;
    if (input.type) changes.type = input.type;
    if (input.meta !== undefined) changes.meta = input.meta;
    if (room.key === 'lobby' && changes.key !== undefined && changes.key !== 'lobby') throw badInput('The lobby keeps its key');
    return this.saveAndAnnounce(caller.scope, room.id, changes);
  }

  async patchMeta(caller: ScopedPrincipal, id: string, patch: MetaPatchInput): Promise<Room> {
    const { room: checked } = await this.access.requireManager(caller, id);
    // The patch applies to the meta as stored now (access checks may answer from a cache).
    const room = (await this.rooms.findById(caller.scope, checked.id)) ?? checked;
    const meta = applyMetaPatch(room.meta, patch);
    assertMetaSize(meta);
    return this.saveAndAnnounce(caller.scope, room.id, { meta });
  }

  /** Deletes the room with its members and history. A missing room is an answer, not an error. */
  async delete(caller: AppPrincipal, id: string): Promise<DeleteResult> {
    const room = await this.rooms.findById(caller.scope, id);
    if (!room) return notDeleted('Room not found');
    if (room.key === 'lobby') return notDeleted('The lobby cannot be deleted');
    await this.rooms.delete(caller.scope, room.id);
    await this.announce({ type: 'room.deleted', appId: caller.scope.appId, roomId: room.id, room: toRoom(room) });
    return deleted();
  }

  async addMember(caller: ScopedPrincipal, roomId: string, userId: string, role: MemberRole = MemberRole.MEMBER): Promise<Member> {
    const { room } = await this.access.requireManager(caller, roomId);
    if (role === MemberRole.MANAGER && !this.access.isStaff(caller)) throw forbidden('Only the app backend or staff name managers');
    const user = await this.users.findById(caller.scope, userId);
    if (!user) throw notFound('User');
    if (room.type === 'DIRECT' && !room.directKey?.split(':').includes(user.id)) throw forbidden('A DIRECT room has exactly its two users');
    await this.access.assertNotBanned(caller, room.id, user.id);
    const { member: added, created } = await this.members.insertOnce(caller.scope, { roomId: room.id, userId: user.id, role: role as MemberRoleValue });
    if (created) {
      await this.publishMembership(caller.scope, MembershipEventType.JOINED, room.id, toUser(user), await this.access.actorOf(caller), role);
    }
    return toMember(added, user);
  }

  async removeMember(caller: ScopedPrincipal, roomId: string, userId: string): Promise<DeleteResult> {
    const { room } = await this.access.requireManager(caller, roomId);
    const user = await this.users.findById(caller.scope, userId);
    if (!user) return notDeleted('User not found');
    if ((await this.members.delete(caller.scope, room.id, user.id)) === 0) return notDeleted('Not a member');
    await this.publishMembership(caller.scope, MembershipEventType.LEFT, room.id, toUser(user), await this.access.actorOf(caller));
    return deleted();
  }

  async listMembers(caller: ScopedPrincipal, roomId: string): Promise<Member[]> {
    const { room } = await this.access.requireReader(caller, roomId);
    const rows = await this.members.listWithUsers(caller.scope, room.id);
    return rows.map((row) => toMember(row, row.userRow, row.mute?.endsAt ?? null));
  }

  /** Who of the room is connected now: its members, or anyone in the app for an OPEN room. */
  async onlineMembers(caller: ScopedPrincipal, roomId: string): Promise<User[]> {
    const { room } = await this.access.requireReader(caller, roomId);
    const online = room.type === 'OPEN'
      ? await this.presence.onlineUserIds(caller.scope)
      : await this.presence.onlineAmong(caller.scope, await this.members.userIds(caller.scope, room.id));
    return (await this.userCache.getMany(caller.scope, online)).map(toUser);
  }

  async join(caller: UserPrincipal, roomId: string): Promise<Member> {
    const { room } = await this.access.access(caller, roomId);
    await this.access.assertNotBanned(caller, room.id);
    if (room.type !== 'OPEN') throw forbidden('Only OPEN rooms can be joined; ask to be added');
    const user = await this.users.findById(caller.scope, caller.userId);
    if (!user) throw notFound('User');
    const { member, created } = await this.members.insertOnce(caller.scope, { roomId: room.id, userId: user.id, role: 'MEMBER' });
    if (created) await this.publishMembership(caller.scope, MembershipEventType.JOINED, room.id, toUser(user), toUser(user), MemberRole.MEMBER);
    return toMember(member, user);
  }

  async leave(caller: UserPrincipal, roomId: string): Promise<DeleteResult> {
    const room = await this.rooms.findById(caller.scope, roomId);
    if (!room) return notDeleted('Room not found');
    const user = await this.users.findById(caller.scope, caller.userId);
    if (!user || (await this.members.delete(caller.scope, room.id, user.id)) === 0) return notDeleted('Not a member');
    await this.publishMembership(caller.scope, MembershipEventType.LEFT, room.id, toUser(user), toUser(user));
    return deleted();
  }

  /** The one DIRECT room of the caller and another user, created the first time. */
  async openDirect(caller: UserPrincipal, otherUserId: string): Promise<Room> {
    if (otherUserId === caller.userId) throw badInput('A DIRECT room needs another user');
    const other = await this.users.findById(caller.scope, otherUserId);
    if (!other) throw notFound('User');
    if (await this.blocks.exists(caller.scope, other.id, caller.userId)) throw forbidden('This user blocked you');
    const directKey = directKeyOf(caller.userId, other.id);
    const existing = await this.rooms.findByDirectKey(caller.scope, directKey);
    if (existing) return toRoom(existing);
    const me = await this.users.findById(caller.scope, caller.userId);
    try {
      const room = await this.uow.run(async (tx) => {
        const row = await this.rooms.insert(caller.scope, { key: null, name: null, type: 'DIRECT', directKey }, tx);
        for (const userId of [caller.userId, other.id]) await this.members.insertOnce(caller.scope, { roomId: row.id, userId, role: 'MEMBER' }, tx);
        return row;
      });
      for (const user of [me!, other]) await this.publishMembership(caller.scope, MembershipEventType.JOINED, room.id, toUser(user), toUser(me!), MemberRole.MEMBER);
      return toRoom(room);
    } catch (error) {
      // Both users opened it at once: the unique direct key let one through; return that one.
      const raced = await this.rooms.findByDirectKey(caller.scope, directKey);
      if (raced) return toRoom(raced);
      throw error;
    }
  }

  /** Freezes or thaws the room and announces it (the caller's right was checked by moderation). */
  setFrozen(scope: AppScope, roomId: string, frozen: boolean): Promise<Room> {
    return this.saveAndAnnounce(scope, roomId, { frozen });
  }

  memberCounts(scope: AppScope, roomIds: readonly string[]): Promise<Map<string, number>> {
    return this.members.countByRoom(scope, roomIds);
  }

  private async saveAndAnnounce(scope: AppScope, roomId: string, changes: Partial<Pick<RoomEntity, 'name' | 'status' | 'type' | 'meta' | 'key' | 'frozen'>>): Promise<Room> {
    await this.rooms.updateFields(scope, roomId, changes);
    const saved = toRoom((await this.rooms.findById(scope, roomId))!);
    await this.announce({ type: 'room.updated', appId: scope.appId, roomId, room: saved, changed: Object.keys(changes) });
    return saved;
  }

  private publishMembership(scope: AppScope, type: MembershipEventType, roomId: string, user: User, actor: User | null, role?: MemberRole) {
    return this.announce({ type: 'membership.changed', appId: scope.appId, roomId, change: membershipEvent(type, roomId, user, actor, { role }) });
  }

  /** Records the event's webhook deliveries right after its change (these changes are single statements or already committed), then publishes it. */
  private async announce(event: DomainEvent): Promise<void> {
    await this.outbox.recordAfter([event]);
    await this.events.publish(event);
  }
}
