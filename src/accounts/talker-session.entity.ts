import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { IdColumn, idColumn } from '../database/columns.js';

/** One talker login. The session key (the client's clientAddress) is never stored: only its SHA-256. */
@Entity({ name: 'talker_sessions' })
@Index('ix_talker_sessions_user', ['appId', 'userId'])
@ForeignKey('UserEntity', ['appId', 'userId'], ['appId', 'id'], { name: 'fk_talker_sessions_user', onDelete: 'CASCADE' })
export class TalkerSessionEntity {
  @IdColumn()
  id: string;

  @Column({ name: 'app_id', type: 'bigint', transformer: idColumn })
  appId: string;

  @Column({ name: 'user_id', type: 'bigint', transformer: idColumn })
  userId: string;

  @Index('uq_talker_sessions_key', { unique: true })
  @Column({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
