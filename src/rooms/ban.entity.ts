import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { IdColumn, idColumn } from '../database/columns.js';

/** The current ban of a user from a room; ends_at null means until unbanned. */
@Entity({ name: 'room_bans' })
@Index('uq_room_bans_room_user', ['roomId', 'userId'], { unique: true })
@ForeignKey('RoomEntity', ['appId', 'roomId'], ['appId', 'id'], { name: 'fk_room_bans_room', onDelete: 'CASCADE' })
@ForeignKey('UserEntity', ['appId', 'userId'], ['appId', 'id'], { name: 'fk_room_bans_user', onDelete: 'CASCADE' })
@Index('ix_room_bans_ends', ['endsAt'])
export class BanEntity {
  @IdColumn()
  id: string;

  @Column({ name: 'app_id', type: 'bigint', transformer: idColumn })
  appId: string;

  @Column({ name: 'room_id', type: 'bigint', transformer: idColumn })
  roomId: string;

  @Column({ name: 'user_id', type: 'bigint', transformer: idColumn })
  userId: string;

  @Column({ name: 'banned_by', type: 'bigint', nullable: true, transformer: idColumn })
  bannedBy: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason: string | null;

  @Column({ name: 'starts_at', type: 'datetime', precision: 3 })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'datetime', precision: 3, nullable: true })
  endsAt: Date | null;
}
