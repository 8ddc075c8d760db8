import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppScope } from '../database/app-scope.js';
import { ScopedRepository } from '../database/scoped-repository.js';
import { TalkerSessionEntity } from './talker-session.entity.js';

@Injectable()
export class TalkerSessionsRepository extends ScopedRepository<TalkerSessionEntity> {
  constructor(db: DataSource) {
    super(db, TalkerSessionEntity, 'session');
  }

  async insert(scope: AppScope, userId: string, keyHash: string): Promise<void> {
    const row = this.stamp<TalkerSessionEntity>(scope, { userId, keyHash, createdAt: new Date() } as Omit<TalkerSessionEntity, 'appId'>);
    await this.db.manager.insert(TalkerSessionEntity, row as never);
  }

  findByKeyHash(scope: AppScope, keyHash: string): Promise<TalkerSessionEntity | null> {
    return this.select(scope).andWhere('session.keyHash = :keyHash', { keyHash }).getOne();
  }

  deleteByKeyHash(scope: AppScope, keyHash: string): Promise<number> {
    return this.remove(scope, { keyHash });
  }
}
