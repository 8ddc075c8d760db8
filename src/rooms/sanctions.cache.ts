import { Injectable, OnModuleInit } from '@nestjs/common';
import { InvalidatedCache } from '../common/invalidated-cache.js';
import { AppScope } from '../database/app-scope.js';
import { BansRepository } from './bans.repository.js';
import { MutesRepository } from './mutes.repository.js';
import { EventBus } from '../realtime/event-bus.js';
import { MembershipEventType } from './membership-event.model.js';

interface RoomSanctions {
  mutes: Map<string, Date>;
  /** userId → end of the ban, null for until unbanned. */
  bans: Map<string, Date | null>;
}

/** A safety net only: changes arrive as bus events and drop the room at once. */
const TTL_MS = 60_000;
const MAX_ROOMS = 10_000;
const SANCTION_CHANGES: ReadonlySet<MembershipEventType> = new Set([
  MembershipEventType.MUTED, MembershipEventType.UNMUTED, MembershipEventType.BANNED, MembershipEventType.UNBANNED,
]);

/**
 * Who is muted or banned in a room, read on every send and read without a query: loaded once per
 * room (both lists), then dropped on the MUTED/UNMUTED/BANNED/UNBANNED and room.deleted events of
 * the bus (which cross instances), so the next send reads them again. Expiry needs no event: ends
 * are compared with the clock. A load that was under way when a sanction changed is not kept.
 */
@Injectable()
export class SanctionsCache implements OnModuleInit {
  private readonly rooms = new InvalidatedCache<RoomSanctions>(TTL_MS, MAX_ROOMS, false);

  constructor(private readonly mutes: MutesRepository, private readonly bans: BansRepository, private readonly events: EventBus) {}

  onModuleInit() {
    this.events.onEvent((event) => {
      const changed = event.type === 'room.deleted' || (event.type === 'membership.changed' && SANCTION_CHANGES.has(event.change.type));
      if (changed) this.rooms.delete(`${event.appId}:${event.roomId}`);
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
    const sanctions = await this.rooms.read(`${scope.appId}:${roomId}`, async () => {
      const [mutes, bans] = await Promise.all([this.mutes.listActive(scope, roomId), this.bans.listActive(scope, roomId)]);
      return { mutes: new Map(mutes.map((m) => [m.userId, m.endsAt])), bans: new Map(bans.map((b) => [b.userId, b.endsAt])) };
    });
    return sanctions!; // the load never yields null
  }
}
