import { Injectable } from '@nestjs/common';
import { DataSource, LessThanOrEqual } from 'typeorm';
import { AppScope } from '../database/app-scope.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { ScopedRepository } from '../database/scoped-repository.js';
import { Tx } from '../database/transaction.js';
import { UserEntity } from '../users/user.entity.js';
import { MuteEntity } from './mute.entity.js';

/** A mute with its user, as lists and events need it. */
export type MuteWithUser = MuteEntity & { userRow: UserEntity };

export interface NewMute {
  roomId: string;
  userId: string;
  mutedBy: string | null;
  minutes: number;
  reason: string | null;
  startsAt: Date;
  endsAt: Date;
}

@Injectable()
export class MutesRepository extends ScopedRepository<MuteEntity> {
  constructor(db: DataSource) {
    super(db, MuteEntity, 'mute');
  }

  /** Sets the user's mute in the room: one row per pair, replaced on re-mute (the row keeps its id). */
  async upsert(scope: AppScope, values: NewMute, tx?: Tx): Promise<void> {
    const em = this.manager(tx);
    const { roomId, userId, ...rest } = values;
    const changed = await this.update(scope, { roomId, userId }, rest, em);
    if ((changed.affected ?? 0) > 0) return;
    try {
      await em.insert(MuteEntity, this.stamp<MuteEntity>(scope, values as Omit<MuteEntity, 'appId'>) as never);
    } catch (error) {
      // Another mute of the same pair was inserted meanwhile: ours replaces it.
      if (!isUniqueViolation(error)) throw error;
      await this.update(scope, { roomId, userId }, rest, em);
    }
  }

  /** The running mute of the user in the room (ends after `now`), or null. */
  findActive(scope: AppScope, roomId: string, userId: string, now = new Date()): Promise<MuteEntity | null> {
    return this.select(scope)
      .andWhere('mute.roomId = :roomId AND mute.userId = :userId AND mute.endsAt > :now', { roomId, userId, now })
      .getOne();
  }

  /** Running mutes of the room with their users, soonest end first. */
  listActive(scope: AppScope, roomId: string, now = new Date()): Promise<MuteWithUser[]> {
    return this.select(scope)
      .innerJoinAndMapOne('mute.userRow', UserEntity, 'u', this.joinOn('u', 'u.id = mute.userId'))
      .andWhere('mute.roomId = :roomId AND mute.endsAt > :now', { roomId, now })
      .orderBy('mute.endsAt', 'ASC').addOrderBy('mute.id', 'ASC')
      .getMany() as Promise<MuteWithUser[]>;
  }

  /** Removes the pair's mute, running or not; returns how many rows went (0 or 1). */
  delete(scope: AppScope, roomId: string, userId: string, tx?: Tx): Promise<number> {
    return this.remove(scope, { roomId, userId }, tx);
  }

  // unscoped: the sweeper serves every app at once; each row it returns carries its app_id.
  findExpired(now: Date, limit: number): Promise<MuteWithUser[]> {
    return this.db.manager.createQueryBuilder(MuteEntity, 'mute')
      .innerJoinAndMapOne('mute.userRow', UserEntity, 'u', this.joinOn('u', 'u.id = mute.userId'))
      .where('mute.endsAt <= :now', { now })
      .orderBy('mute.endsAt', 'ASC')
      .limit(limit)
      .getMany() as Promise<MuteWithUser[]>;
  }

  /**
   * Deletes one expired row by id, only if it is still expired (a re-mute moves ends_at forward).
   * Returns whether this call deleted it, so of several instances exactly one announces the end.
   */
  async deleteExpired(scope: AppScope, id: string, now: Date): Promise<boolean> {
    return (await this.remove(scope, { id, endsAt: LessThanOrEqual(now) } as never)) > 0;
  }

  /** Moves the end of a running mute (operators' tools and tests: a mute that ends now). */
  async setEndsAt(scope: AppScope, roomId: string, userId: string, endsAt: Date): Promise<number> {
    return (await this.update(scope, { roomId, userId }, { endsAt })).affected ?? 0;
  }
}
