import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppScope } from '../database/app-scope.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { ScopedRepository } from '../database/scoped-repository.js';
import { UserEntity } from './user.entity.js';
import { BlockEntity } from './block.entity.js';

@Injectable()
export class BlocksRepository extends ScopedRepository<BlockEntity> {
  constructor(db: DataSource) {
    super(db, BlockEntity, 'block');
  }

  /** Adds the block unless it exists; says whether it was new. */
  async insertOnce(scope: AppScope, blockerId: string, blockedId: string): Promise<boolean> {
    try {
      await this.db.manager.insert(BlockEntity, this.stamp<BlockEntity>(scope, { blockerId, blockedId, createdAt: new Date() } as Omit<BlockEntity, 'appId'>) as never);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  delete(scope: AppScope, blockerId: string, blockedId: string): Promise<number> {
    return this.remove(scope, { blockerId, blockedId });
  }

  async blockedIds(scope: AppScope, blockerId: string): Promise<string[]> {
    const rows = await this.select(scope).select('block.blockedId', 'blockedId').andWhere('block.blockerId = :blockerId', { blockerId }).getRawMany<{ blockedId: unknown }>();
    return rows.map((r) => String(r.blockedId));
  }

  /** The users the blocker blocked, most recent first. */
  async blockedUsers(scope: AppScope, blockerId: string): Promise<UserEntity[]> {
    const rows = await this.select(scope).innerJoinAndMapOne('block.user', UserEntity, 'u', this.joinOn('u', 'u.id = block.blockedId'))
      .andWhere('block.blockerId = :blockerId', { blockerId }).orderBy('block.id', 'DESC').getMany();
    return rows.map((row) => (row as BlockEntity & { user: UserEntity }).user);
  }

  /** Whether the blocker blocked that user. */
  async exists(scope: AppScope, blockerId: string, blockedId: string): Promise<boolean> {
    return (await this.select(scope).andWhere('block.blockerId = :blockerId AND block.blockedId = :blockedId', { blockerId, blockedId }).getCount()) > 0;
  }

}
