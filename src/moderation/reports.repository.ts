import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppScope } from '../database/app-scope.js';
import { ScopedRepository } from '../database/scoped-repository.js';
import { ReportEntity, ReportStatusValue } from './report.entity.js';

export type NewReport = Omit<ReportEntity, 'id' | 'appId' | 'status' | 'resolvedBy' | 'resolution' | 'createdAt' | 'resolvedAt'>;

@Injectable()
export class ReportsRepository extends ScopedRepository<ReportEntity> {
  constructor(db: DataSource) {
    super(db, ReportEntity, 'report');
  }

  async insert(scope: AppScope, values: NewReport): Promise<ReportEntity> {
    const row = this.stamp<ReportEntity>(scope, {
      ...values, status: 'OPEN', resolvedBy: null, resolution: null, createdAt: new Date(), resolvedAt: null,
    } as Omit<ReportEntity, 'appId' | 'id'> as Omit<ReportEntity, 'appId'>);
    return this.db.manager.save(ReportEntity, this.db.manager.create(ReportEntity, row));
  }

  findById(scope: AppScope, id: string): Promise<ReportEntity | null> {
    return this.select(scope).andWhere('report.id = :id', { id }).getOne();
  }

  /** Newest first; roomId null lists every report of the app. */
  list(scope: AppScope, roomId: string | null, status: ReportStatusValue | null, limit: number, before: string | null): Promise<ReportEntity[]> {
    const query = this.select(scope).orderBy('report.id', 'DESC').take(limit);
    if (roomId) query.andWhere('report.roomId = :roomId', { roomId });
    if (status) query.andWhere('report.status = :status', { status });
    if (before) query.andWhere('report.id < :before', { before });
    return query.getMany();
  }

  async resolve(scope: AppScope, id: string, values: { status: ReportStatusValue; resolvedBy: string | null; resolution: string | null }): Promise<void> {
    await this.update(scope, { id }, { ...values, resolvedAt: new Date() });
  }
}
