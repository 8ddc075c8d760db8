import { Injectable } from '@nestjs/common';
import { DataSource, LessThanOrEqual } from 'typeorm';
import { AppScope } from '../database/app-scope.js';
import { ScopedRepository } from '../database/scoped-repository.js';
import { Tx } from '../database/transaction.js';
import { UserEntity } from '../users/user.entity.js';
import { BanEntity } from './ban.entity.js';

export type BanWithUser = BanEntity & { userRow: UserEntity };

/** Running bans: one row per room and user; ends_at null means until unbanned. */
@Injectable()
export class BansRepository extends ScopedRepository<BanEntity> {
  constructor(db: DataSource) {
    super(db, BanEntity, 'ban');
  }

  /** Replaces any ban of the user in the room. */
  async upsert(scope: AppScope, values: Omit<BanEntity, 'id' | 'appId'>, tx: Tx): Promise<void> {
    await this.remove(scope, { roomId: values.roomId, userId: values.userId }, tx);
    await tx.insert(BanEntity, this.stamp<BanEntity>(scope, values as Omit<BanEntity, 'appId'>) as never);
  }

  findActive(scope: AppScope, roomId: string, userId: string, now = new Date()): Promise<BanEntity | null> {
    return this.select(scope)
      .andWhere('ban.roomId = :roomId AND ban.userId = :userId', { roomId, userId })
      .andWhere('(ban.endsAt IS NULL OR ban.endsAt > :now)', { now })
      .getOne();
  }

  listActive(scope: AppScope, roomId: string, now = new Date()): Promise<BanWithUser[]> {
    return this.select(scope).innerJoinAndMapOne('ban.userRow', UserEntity, 'u', this.joinOn('u', 'u.id = ban.userId'))
      .andWhere('ban.roomId = :roomId', { roomId }).andWhere('(ban.endsAt IS NULL OR ban.endsAt > :now)', { now })
      .orderBy('ban.id', 'ASC').getMany() as Promise<BanWithUser[]>;
  }

  delete(scope: AppScope, roomId: string, userId: string, tx?: Tx): Promise<number> {
    return this.remove(scope, { roomId, userId }, tx);
  }

  // unscoped: the sweeper ends bans of every app; each row names its own app.
  findExpired(now: Date, limit: number): Promise<BanWithUser[]> {
    return this.db.manager.createQueryBuilder(BanEntity, 'ban').innerJoinAndMapOne('ban.userRow', UserEntity, 'u', this.joinOn('u', 'u.id = ban.userId'))
      .where('ban.endsAt IS NOT NULL AND ban.endsAt <= :now', { now }).orderBy('ban.endsAt', 'ASC').take(limit).getMany() as Promise<BanWithUser[]>;
  }

  /** Deletes one expired ban by id; true when this call deleted it (so one instance announces it). */
  async deleteExpired(scope: AppScope, id: string, now: Date): Promise<boolean> {
    return (await this.remove(scope, { id, endsAt: LessThanOrEqual(now) } as never)) > 0;
  }
}
