import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { IdColumn, idColumn } from '../database/columns.js';

export type MemberRoleValue = 'MEMBER' | 'MANAGER';

/** A user's membership of a room: room role and read position. Mutes and bans: see moderation/. */
@Entity({ name: 'room_members' })
@Index('uq_room_members_room_user', ['roomId', 'userId'], { unique: true })
@Index('ix_room_members_user', ['appId', 'userId'])
@ForeignKey('RoomEntity', ['appId', 'roomId'], ['appId', 'id'], { name: 'fk_room_members_room', onDelete: 'CASCADE' })
@ForeignKey('UserEntity', ['appId', 'userId'], ['appId', 'id'], { name: 'fk_room_members_user', onDelete: 'CASCADE' })
export class MemberEntity {
  @IdColumn()
  id: string;

  @Column({ name: 'app_id', type: 'bigint', transformer: idColumn })
  appId: string;

  @Column({ name: 'room_id', type: 'bigint', transformer: idColumn })
  roomId: string;

  @Column({ name: 'user_id', type: 'bigint', transformer: idColumn })
  userId: string;

  @Column({ type: 'varchar', length: 8, default: 'MEMBER' })
  role: MemberRoleValue;

  @Column({ name: 'joined_at', type: 'datetime', precision: 3 })
  joinedAt: Date;

  @Column({ name: 'last_read_message_id', type: 'bigint', nullable: true, transformer: idColumn })
  lastReadMessageId: string | null;

  @Column({ name: 'last_delivered_message_id', type: 'bigint', nullable: true, transformer: idColumn })
  lastDeliveredMessageId: string | null;
}
