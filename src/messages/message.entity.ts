import { Column, Entity, ForeignKey, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { IdColumn, idColumn, jsonColumn } from '../database/columns.js';
import type { AttachmentFile } from '../media/attachment.model.js';
import type { UserEntity } from '../users/user.entity.js';

export type MessageKindValue = 'TEXT' | 'FILE' | 'SYSTEM';

/**
 * History is read by id range inside a room: (room_id, id) is the index every page uses
 * (forced on MySQL/MariaDB, whose planner otherwise walks the room_id prefix).
 *
 * The author's app is proven by fk_messages_author_app, which takes no action itself: SQL's SET NULL
 * on a two-column key would null app_id too, so deleting a user nulls author_id through the
 * one-column key below, before the two-column one is checked (SQLite checks it at the end of the
 * statement, InnoDB after the parent's clustered index, whose keys act first).
 */
@Entity({ name: 'messages' })
@Index('ix_messages_room_id', ['roomId', 'id'])
@Index('uq_messages_client_msg', ['appId', 'authorId', 'clientMsgId'], { unique: true })
@ForeignKey('RoomEntity', ['appId', 'roomId'], ['appId', 'id'], { name: 'fk_messages_room', onDelete: 'CASCADE' })
@ForeignKey('UserEntity', ['appId', 'authorId'], ['appId', 'id'], { name: 'fk_messages_author_app', onDelete: 'NO ACTION' })
export class MessageEntity {
  @IdColumn()
  id: string;

  @Column({ name: 'app_id', type: 'bigint', transformer: idColumn })
  appId: string;

  @Column({ name: 'room_id', type: 'bigint', transformer: idColumn })
  roomId: string;

  /** Null for system messages and for authors who were deleted. */
  @Column({ name: 'author_id', type: 'bigint', nullable: true, transformer: idColumn })
  authorId: string | null;

  @ManyToOne('UserEntity', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'author_id' })
  author?: Relation<UserEntity>;

  @Column({ type: 'varchar', length: 8, default: 'TEXT' })
  kind: MessageKindValue;

  /** Null once deleted: the tombstone stays in history without its text. */
  @Column({ type: 'text', nullable: true })
  text: string | null;

  @Column({ type: 'text', nullable: true, transformer: jsonColumn })
  meta: Record<string, unknown> | null;

  /** The files of a FILE message as they were sent (JSON list of AttachmentFile); null without files and once deleted. */
  @Column({ type: 'text', nullable: true, transformer: jsonColumn })
  attachments: AttachmentFile[] | null;

  @Column({ name: 'client_msg_id', type: 'varchar', length: 64, nullable: true })
  clientMsgId: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'edited_at', type: 'datetime', precision: 3, nullable: true })
  editedAt: Date | null;

  @Column({ name: 'deleted_at', type: 'datetime', precision: 3, nullable: true })
  deletedAt: Date | null;
}
