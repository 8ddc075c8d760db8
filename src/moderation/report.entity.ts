import { Column, Entity, Index } from 'typeorm';
import { IdColumn, idColumn } from '../database/columns.js';

export type ReportTargetValue = 'USER' | 'ROOM' | 'MESSAGE';
export type ReportCategoryValue = 'GENERAL' | 'SPAM' | 'PROFANITY' | 'OTHER' | 'CUSTOM';
export type ReportStatusValue = 'OPEN' | 'RESOLVED' | 'DISMISSED';

/** A user's report. No foreign keys on the targets: a report outlives what it reports. */
@Entity({ name: 'reports' })
@Index('ix_reports_room_status', ['appId', 'roomId', 'status', 'id'])
export class ReportEntity {
  @IdColumn()
  id: string;

  @Column({ name: 'app_id', type: 'bigint', transformer: idColumn })
  appId: string;

  @Column({ name: 'room_id', type: 'bigint', nullable: true, transformer: idColumn })
  roomId: string | null;

  @Column({ name: 'reporter_id', type: 'bigint', transformer: idColumn })
  reporterId: string;

  @Column({ name: 'target_type', type: 'varchar', length: 8 })
  targetType: ReportTargetValue;

  @Column({ name: 'target_user_id', type: 'bigint', nullable: true, transformer: idColumn })
  targetUserId: string | null;

  @Column({ name: 'target_message_id', type: 'bigint', nullable: true, transformer: idColumn })
  targetMessageId: string | null;

  @Column({ type: 'varchar', length: 16 })
  category: ReportCategoryValue;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason: string | null;

  @Column({ type: 'varchar', length: 16, default: 'OPEN' })
  status: ReportStatusValue;

  @Column({ name: 'resolved_by', type: 'bigint', nullable: true, transformer: idColumn })
  resolvedBy: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  resolution: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'resolved_at', type: 'datetime', precision: 3, nullable: true })
  resolvedAt: Date | null;
}
