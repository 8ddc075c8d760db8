import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { IdColumn, idColumn } from '../database/columns.js';
import type { RoomEntity } from './room.entity.js';
import type { UserEntity } from '../users/user.entity.js';

/** The current ban of a user from a room; ends_at null means until unbanned. */
@Entity({ name: 'room_bans' })
@Index('uq_room_bans_room_user', ['roomId', 'userId'], { unique: true })
@Index('ix_room_bans_ends', ['endsAt'])
export class BanEntity {
  @IdColumn()
  id: string;

  @Column({ name: 'app_id', type: 'bigint', transformer: idColumn })
  appId: string;

  @Column({ name: 'room_id', type: 'bigint', transformer: idColumn })
  roomId: string;

  @ManyToOne('RoomEntity', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'room_id' })
  room?: Relation<RoomEntity>;

  @Column({ name: 'user_id', type: 'bigint', transformer: idColumn })
  userId: string;

  @ManyToOne('UserEntity', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<UserEntity>;

  @Column({ name: 'banned_by', type: 'bigint', nullable: true, transformer: idColumn })
  bannedBy: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason: string | null;

  @Column({ name: 'starts_at', type: 'datetime', precision: 3 })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'datetime', precision: 3, nullable: true })
  endsAt: Date | null;
}
