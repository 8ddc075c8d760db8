import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { IdColumn, idColumn } from '../database/columns.js';

/** blocker no longer sees blocked's messages; blocked cannot open or write a DIRECT room with blocker. */
@Entity({ name: 'user_blocks' })
@Index('uq_user_blocks_pair', ['blockerId', 'blockedId'], { unique: true })
@Index('ix_user_blocks_blocked', ['appId', 'blockedId'])
@ForeignKey('UserEntity', ['appId', 'blockerId'], ['appId', 'id'], { name: 'fk_user_blocks_blocker', onDelete: 'CASCADE' })
@ForeignKey('UserEntity', ['appId', 'blockedId'], ['appId', 'id'], { name: 'fk_user_blocks_blocked', onDelete: 'CASCADE' })
export class BlockEntity {
  @IdColumn()
  id: string;

  @Column({ name: 'app_id', type: 'bigint', transformer: idColumn })
  appId: string;

  @Column({ name: 'blocker_id', type: 'bigint', transformer: idColumn })
  blockerId: string;

  @Column({ name: 'blocked_id', type: 'bigint', transformer: idColumn })
  blockedId: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
