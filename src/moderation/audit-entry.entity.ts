import { Column, Entity, Index } from 'typeorm';
import { IdColumn, idColumn, jsonColumn } from '../database/columns.js';

/** Who did what to whom, when and why. Append-only; no foreign keys, so history survives deletes. */
@Entity({ name: 'audit_log' })
@Index('ix_audit_log_room', ['appId', 'roomId', 'id'])
export class AuditEntryEntity {
  @IdColumn()
  id: string;

  @Column({ name: 'app_id', type: 'bigint', transformer: idColumn })
  appId: string;

  @Column({ name: 'room_id', type: 'bigint', nullable: true, transformer: idColumn })
  roomId: string | null;

  /** 'APP' (the app backend) or 'USER'. */
  @Column({ name: 'actor_kind', type: 'varchar', length: 8 })
  actorKind: 'APP' | 'USER';

  @Column({ name: 'actor_user_id', type: 'bigint', nullable: true, transformer: idColumn })
  actorUserId: string | null;

  @Column({ type: 'varchar', length: 32 })
  action: string;

  @Column({ name: 'target_user_id', type: 'bigint', nullable: true, transformer: idColumn })
  targetUserId: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason: string | null;

  @Column({ type: 'text', nullable: true, transformer: jsonColumn })
  details: Record<string, unknown> | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
