import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppScope } from '../database/app-scope.js';
import { ScopedRepository } from '../database/scoped-repository.js';
import { Tx } from '../database/transaction.js';
import { AuditEntryEntity } from './audit-entry.entity.js';

export type NewAuditEntry = Omit<AuditEntryEntity, 'id' | 'appId' | 'createdAt'>;

/** The moderation log: append-only. */
@Injectable()
export class AuditLogRepository extends ScopedRepository<AuditEntryEntity> {
  constructor(db: DataSource) {
    super(db, AuditEntryEntity, 'entry');
  }

  async append(scope: AppScope, values: NewAuditEntry, tx?: Tx): Promise<void> {
    const row = this.stamp<AuditEntryEntity>(scope, { ...values, createdAt: new Date() } as Omit<AuditEntryEntity, 'appId'>);
    await this.manager(tx).insert(AuditEntryEntity, row as never);
  }

  /** The room's entries (or the app's that name no room), newest first, older than `before`. */
  listForRoom(scope: AppScope, roomId: string | null, limit: number, before: string | null = null): Promise<AuditEntryEntity[]> {
    const query = this.select(scope).orderBy('entry.id', 'DESC').take(limit);
    if (roomId) query.andWhere('entry.roomId = :roomId', { roomId });
    else query.andWhere('entry.roomId IS NULL');
    if (before) query.andWhere('entry.id < :before', { before });
    return query.getMany();
  }
}
