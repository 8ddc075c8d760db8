import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { IdColumn, idColumn } from '../database/columns.js';

/**
 * One uploaded file (and its thumbnail) in the media store. Lifecycle: uploaded (attached_at
 * null) → claimed by a send (claim set) → attached (message_id, room_id, attached_at). The
 * sweeper removes uploads never attached after a day, and orphans at once: an attached file
 * whose room went (room_id nulled) or any file whose uploader was deleted (uploader_id nulled
 * while by_app is false).
 *
 * The uploader's and the room's app are proven by two-column keys that take no action themselves;
 * the one-column keys beside them null the column when the user or room is deleted (SQL's SET
 * NULL on a two-column key would null app_id too), as messages.author_id does (message.entity.ts).
 * message_id has no key: a message is only ever deleted with its room (a tombstone otherwise),
 * which room_id follows.
 */
@Entity({ name: 'media' })
@Index('ix_media_message', ['appId', 'messageId'])
@Index('ix_media_sweep', ['attachedAt', 'createdAt'])
@Index('ix_media_uploader', ['uploaderId'])
@Index('ix_media_room', ['roomId'])
@Index('ix_media_claim', ['claim'])
@ForeignKey('AppEntity', ['appId'], ['id'], { name: 'fk_media_app', onDelete: 'CASCADE' })
@ForeignKey('UserEntity', ['appId', 'uploaderId'], ['appId', 'id'], { name: 'fk_media_uploader_app', onDelete: 'NO ACTION' })
@ForeignKey('UserEntity', ['uploaderId'], ['id'], { name: 'fk_media_uploader', onDelete: 'SET NULL' })
@ForeignKey('RoomEntity', ['appId', 'roomId'], ['appId', 'id'], { name: 'fk_media_room_app', onDelete: 'NO ACTION' })
@ForeignKey('RoomEntity', ['roomId'], ['id'], { name: 'fk_media_room', onDelete: 'SET NULL' })
export class MediaEntity {
  @IdColumn()
  id: string;

  @Column({ name: 'app_id', type: 'bigint', transformer: idColumn })
  appId: string;

  /** The user who uploaded it; null when the app backend did (by_app) or the user was deleted. */
  @Column({ name: 'uploader_id', type: 'bigint', nullable: true, transformer: idColumn })
  uploaderId: string | null;

  @Column({ name: 'by_app', type: 'boolean', default: false })
  byApp: boolean;

  /** The key of the file in the store (`<appId>/<hex>`). */
  @Column({ name: 'storage_key', type: 'varchar', length: 100 })
  storageKey: string;

  /** The key of its thumbnail, for images sharp could read. */
  @Column({ name: 'thumb_key', type: 'varchar', length: 100, nullable: true })
  thumbKey: string | null;

  @Column({ name: 'thumb_type', type: 'varchar', length: 100, nullable: true })
  thumbType: string | null;

  @Column({ name: 'thumb_size', type: 'int', nullable: true })
  thumbSize: number | null;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  /** What the bytes are (sniffed), not only what the client declared. */
  @Column({ name: 'content_type', type: 'varchar', length: 100 })
  contentType: string;

  @Column({ type: 'bigint', transformer: { to: (v: unknown) => v, from: (v: unknown) => (v === null ? v : Number(v)) } })
  size: number;

  @Column({ type: 'int', nullable: true })
  width: number | null;

  @Column({ type: 'int', nullable: true })
  height: number | null;

  /** A send that is attaching it now (so two sends cannot both take it). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  claim: string | null;

  /** When `claim` was taken: a claim older than an hour is a send (or sweep) that never finished. */
  @Column({ name: 'claimed_at', type: 'datetime', precision: 3, nullable: true })
  claimedAt: Date | null;

  @Column({ name: 'message_id', type: 'bigint', nullable: true, transformer: idColumn })
  messageId: string | null;

  @Column({ name: 'room_id', type: 'bigint', nullable: true, transformer: idColumn })
  roomId: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'attached_at', type: 'datetime', precision: 3, nullable: true })
  attachedAt: Date | null;
}
