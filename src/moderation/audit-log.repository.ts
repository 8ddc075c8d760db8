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

  /** The room's entries, newest first. */
  listForRoom(scope: AppScope, roomId: string, limit: number): Promise<AuditEntryEntity[]> {
    return this.select(scope).andWhere('entry.roomId = :roomId', { roomId }).orderBy('entry.id', 'DESC').take(limit).getMany();
  }
}
