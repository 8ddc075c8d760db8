import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { IdColumn, idColumn } from '../database/columns.js';
import type { UserEntity } from './user.entity.js';

/** blocker no longer sees blocked's messages; blocked cannot open or write a DIRECT room with blocker. */
@Entity({ name: 'user_blocks' })
@Index('uq_user_blocks_pair', ['blockerId', 'blockedId'], { unique: true })
@Index('ix_user_blocks_blocked', ['appId', 'blockedId'])
export class BlockEntity {
  @IdColumn()
  id: string;

  @Column({ name: 'app_id', type: 'bigint', transformer: idColumn })
  appId: string;

  @Column({ name: 'blocker_id', type: 'bigint', transformer: idColumn })
  blockerId: string;

  @ManyToOne('UserEntity', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'blocker_id' })
  blocker?: Relation<UserEntity>;

  @Column({ name: 'blocked_id', type: 'bigint', transformer: idColumn })
  blockedId: string;

  @ManyToOne('UserEntity', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'blocked_id' })
  blocked?: Relation<UserEntity>;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
