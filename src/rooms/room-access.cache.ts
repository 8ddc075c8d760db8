import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppScope } from '../database/app-scope.js';
import { EventBus } from '../realtime/event-bus.js';
import { MemberEntity } from './member.entity.js';
import { MembersRepository } from './members.repository.js';
import { RoomEntity } from './room.entity.js';
import { RoomsRepository } from './rooms.repository.js';

/** A safety net only: changes arrive as bus events and drop entries at once. */
const TTL_MS = 30_000;
const MAX_ENTRIES = 50_000;

interface Entry<T> { value: T; at: number }

/**
 * The rooms and memberships that access checks read on every send and every page of history,
 * kept per instance and dropped on the bus events that change them (room.updated, room.deleted,
 * membership.changed: on every instance once Redis carries the bus). Used for decisions only:
 * who may read, post or manage; a refusal is re-checked against the database before it stands,
 * so a change still on its way from another instance never refuses a request wrongly.
 */
@Injectable()
export class RoomAccessCache implements OnModuleInit {
  private readonly rooms = new Map<string, Entry<RoomEntity | null>>();
  private readonly members = new Map<string, Entry<MemberEntity | null>>();
  /** Bumped by every change: a read that began before one does not keep what it read. */
  private generation = 0;

  constructor(private readonly roomsRepository: RoomsRepository, private readonly membersRepository: MembersRepository, private readonly events: EventBus) {}

  onModuleInit() {
    this.events.onEvent((event) => {
      if (event.roomId === null) return;
      if (event.type === 'room.updated' || event.type === 'room.deleted' || event.type === 'membership.changed') this.generation++;
      const room = `${event.appId}:${event.roomId}`;
      if (event.type === 'room.updated' || event.type === 'room.deleted') this.rooms.delete(room);
      if (event.type === 'room.deleted') this.dropMembersOf(room);
      if (event.type === 'membership.changed') this.members.delete(`${room}:${event.change.user.id}`);
    });
  }

  /** The room (a missing one is not remembered: its id may exist a moment later). */
  room(scope: AppScope, roomId: string): Promise<RoomEntity | null> {
    return this.read(this.rooms, `${scope.appId}:${roomId}`, () => this.roomsRepository.findById(scope, roomId), false);
  }

  member(scope: AppScope, roomId: string, userId: string): Promise<MemberEntity | null> {
    return this.read(this.members, `${scope.appId}:${roomId}:${userId}`, () => this.membersRepository.find(scope, roomId, userId), true);
  }

  /** Forgets what is known of a room and its members (the next read goes to the database). */
  forget(scope: AppScope, roomId: string): void {
    this.generation++;
    this.rooms.delete(`${scope.appId}:${roomId}`);
    this.dropMembersOf(`${scope.appId}:${roomId}`);
  }

  private dropMembersOf(room: string) {
    for (const key of this.members.keys()) if (key.startsWith(`${room}:`)) this.members.delete(key);
  }

  private async read<T>(map: Map<string, Entry<T | null>>, key: string, load: () => Promise<T | null>, keepMissing: boolean): Promise<T | null> {
    const cached = map.get(key);
    if (cached && Date.now() - cached.at < TTL_MS) return cached.value;
    const [at, generation] = [Date.now(), this.generation];
    const value = await load();
    if (generation !== this.generation || (value === null && !keepMissing)) return value;
    if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value!);
    map.set(key, { value, at });
    return value;
  }
}
