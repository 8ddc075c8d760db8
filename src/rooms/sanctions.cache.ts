import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppScope } from '../database/app-scope.js';
import { BansRepository } from '../moderation/bans.repository.js';
import { MutesRepository } from '../moderation/mutes.repository.js';
import { EventBus } from '../realtime/event-bus.js';
import { MembershipEventType } from './membership-event.model.js';

interface RoomSanctions {
  mutes: Map<string, Date>;
  /** userId → end of the ban, null for until unbanned. */
  bans: Map<string, Date | null>;
  loadedAt: number;
}

const TTL_MS = 60_000;
const MAX_ROOMS = 10_000;

/**
 * Who is muted or banned in a room, read on every send and read without a query: loaded once per
 * room, then kept current in place from the MUTED/UNMUTED/BANNED/UNBANNED events of the bus
 * (which cross instances), with a TTL as a safety net. Expiry needs no event: ends are compared
 * with the clock.
 */
@Injectable()
export class SanctionsCache implements OnModuleInit {
  private readonly rooms = new Map<string, RoomSanctions>();

  constructor(private readonly mutes: MutesRepository, private readonly bans: BansRepository, private readonly events: EventBus) {}

  onModuleInit() {
    this.events.onEvent((event) => {
      if (event.type === 'room.deleted') this.rooms.delete(`${event.appId}:${event.roomId}`);
      if (event.type !== 'membership.changed') return;
      const room = this.rooms.get(`${event.appId}:${event.roomId}`);
      if (!room) return;
      const { type, user, mutedUntil, bannedUntil } = event.change;
      if (type === MembershipEventType.MUTED && mutedUntil) room.mutes.set(user.id, mutedUntil);
      if (type === MembershipEventType.UNMUTED) room.mutes.delete(user.id);
      if (type === MembershipEventType.BANNED) room.bans.set(user.id, bannedUntil ?? null);
      if (type === MembershipEventType.UNBANNED) room.bans.delete(user.id);
    });
  }

  /** The end of the user's running mute in the room, or null. */
  async mutedUntil(scope: AppScope, roomId: string, userId: string): Promise<Date | null> {
    const until = (await this.of(scope, roomId)).mutes.get(userId);
    return until && until.getTime() > Date.now() ? until : null;
  }

  /** The user's running ban in the room ({ until: null } when it has no end), or null. */
  async ban(scope: AppScope, roomId: string, userId: string): Promise<{ until: Date | null } | null> {
    const bans = (await this.of(scope, roomId)).bans;
    if (!bans.has(userId)) return null;
    const until = bans.get(userId) ?? null;
    return until === null || until.getTime() > Date.now() ? { until } : null;
  }

  /** Drop what is known of a room, so the next read loads it (after a change made behind the services' back). */
  forget(scope: AppScope, roomId: string): void {
    this.rooms.delete(`${scope.appId}:${roomId}`);
  }

  private async of(scope: AppScope, roomId: string): Promise<RoomSanctions> {
    const key = `${scope.appId}:${roomId}`;
    const cached = this.rooms.get(key);
    if (cached && Date.now() - cached.loadedAt < TTL_MS) return cached;
    const [mutes, bans] = await Promise.all([this.mutes.listActive(scope, roomId), this.bans.listActive(scope, roomId)]);
    const fresh: RoomSanctions = {
      mutes: new Map(mutes.map((m) => [m.userId, m.endsAt])),
      bans: new Map(bans.map((b) => [b.userId, b.endsAt])),
      loadedAt: Date.now(),
    };
    if (this.rooms.size >= MAX_ROOMS) this.rooms.delete(this.rooms.keys().next().value!);
    this.rooms.set(key, fresh);
    return fresh;
  }
}
