import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { IdColumn, idColumn } from '../database/columns.js';

/**
 * The current mute of a user in a room (one row per pair, replaced on re-mute). Kept apart from
 * room_members because a mute applies to non-members of OPEN rooms too (the legacy lobby).
 */
@Entity({ name: 'room_mutes' })
@Index('uq_room_mutes_room_user', ['roomId', 'userId'], { unique: true })
@ForeignKey('RoomEntity', ['appId', 'roomId'], ['appId', 'id'], { name: 'fk_room_mutes_room', onDelete: 'CASCADE' })
@ForeignKey('UserEntity', ['appId', 'userId'], ['appId', 'id'], { name: 'fk_room_mutes_user', onDelete: 'CASCADE' })
@Index('ix_room_mutes_ends', ['endsAt'])
export class MuteEntity {
  @IdColumn()
  id: string;

  @Column({ name: 'app_id', type: 'bigint', transformer: idColumn })
  appId: string;

  @Column({ name: 'room_id', type: 'bigint', transformer: idColumn })
  roomId: string;

  @Column({ name: 'user_id', type: 'bigint', transformer: idColumn })
  userId: string;

  /** Null when the app backend muted. */
  @Column({ name: 'muted_by', type: 'bigint', nullable: true, transformer: idColumn })
  mutedBy: string | null;

  @Column({ type: 'int' })
  minutes: number;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason: string | null;

  @Column({ name: 'starts_at', type: 'datetime', precision: 3 })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'datetime', precision: 3 })
  endsAt: Date;
}
