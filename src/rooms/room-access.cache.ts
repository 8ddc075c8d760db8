import { Injectable, OnModuleInit } from '@nestjs/common';
import { InvalidatedCache } from '../common/invalidated-cache.js';
import { AppScope } from '../database/app-scope.js';
import { EventBus } from '../realtime/event-bus.js';
import { MemberEntity } from './member.entity.js';
import { MembersRepository } from './members.repository.js';
import { RoomEntity } from './room.entity.js';
import { RoomsRepository } from './rooms.repository.js';

/** A safety net only: changes arrive as bus events and drop entries at once. */
const TTL_MS = 30_000;
const MAX_ENTRIES = 50_000;

/**
 * The rooms and memberships that access checks read on every send and every page of history,
 * kept per instance and dropped on the bus events that change them (room.updated, room.deleted,
 * membership.changed: on every instance once Redis carries the bus). Used for decisions only:
 * who may read, post or manage; a refusal is re-checked against the database before it stands,
 * so a change still on its way from another instance never refuses a request wrongly.
 */
@Injectable()
export class RoomAccessCache implements OnModuleInit {
  /** A missing room is not remembered: its id may exist a moment later. */
  private readonly rooms = new InvalidatedCache<RoomEntity>(TTL_MS, MAX_ENTRIES, false);
  private readonly members = new InvalidatedCache<MemberEntity>(TTL_MS, MAX_ENTRIES, true);

  constructor(private readonly roomsRepository: RoomsRepository, private readonly membersRepository: MembersRepository, private readonly events: EventBus) {}

  onModuleInit() {
    this.events.onEvent((event) => {
      if (event.roomId === null) return;
      const room = `${event.appId}:${event.roomId}`;
      if (event.type === 'room.updated') this.rooms.delete(room);
      if (event.type === 'room.deleted') this.forgetKey(room);
      if (event.type === 'membership.changed') this.members.delete(`${room}:${event.change.user.id}`);
    });
  }

  room(scope: AppScope, roomId: string): Promise<RoomEntity | null> {
    return this.rooms.read(`${scope.appId}:${roomId}`, () => this.roomsRepository.findById(scope, roomId));
  }

  member(scope: AppScope, roomId: string, userId: string): Promise<MemberEntity | null> {
    return this.members.read(`${scope.appId}:${roomId}:${userId}`, () => this.membersRepository.find(scope, roomId, userId));
  }

  /** Forgets what is known of a room and its members (the next read goes to the database). */
  forget(scope: AppScope, roomId: string): void {
    this.forgetKey(`${scope.appId}:${roomId}`);
  }

  private forgetKey(room: string): void {
    this.rooms.delete(room);
    this.members.deletePrefix(`${room}:`);
  }
}
