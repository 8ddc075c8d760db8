import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { IdColumn, idColumn, jsonColumn } from '../database/columns.js';

export type RoomTypeValue = 'OPEN' | 'GROUP' | 'DIRECT';

@Entity({ name: 'rooms' })
@Index('uq_rooms_app_key', ['appId', 'key'], { unique: true })
@Index('uq_rooms_app_direct', ['appId', 'directKey'], { unique: true })
@Index('ix_rooms_app_type', ['appId', 'type'])
/** The key child rows name their room by, with the app: a child of another app cannot point here. */
@Index('uq_rooms_app_id', ['appId', 'id'], { unique: true })
export class RoomEntity {
  @IdColumn()
  id: string;

  @Column({ name: 'app_id', type: 'bigint', transformer: idColumn })
  appId: string;

  @ManyToOne('AppEntity', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'app_id' })
  app?: Relation<object>; // AppEntity: apps/ sits above rooms/, so the relation is named, not imported

  /** Client-chosen key, unique per app ("lobby" for the legacy lobby). */
  @Column({ name: 'room_key', type: 'varchar', length: 191, nullable: true })
  key: string | null;

  @Column({ type: 'varchar', length: 191, nullable: true })
  name: string | null;

  @Column({ type: 'varchar', length: 8 })
  type: RoomTypeValue;

  @Column({ type: 'varchar', length: 32, nullable: true })
  status: string | null;

  @Column({ type: 'boolean', default: false })
  frozen: boolean;

  @Column({ type: 'text', nullable: true, transformer: jsonColumn })
  meta: Record<string, unknown> | null;

  /** "<smaller user id>:<larger user id>" for DIRECT rooms: one room per pair. */
  @Column({ name: 'direct_key', type: 'varchar', length: 64, nullable: true })
  directKey: string | null;

  /**
   * No longer written or read: rooms order by their newest message through the history index.
   * Kept for one release so instances of the previous one, which still read it, can run beside
   * this one during a rolling upgrade; the next release drops it.
   */
  @Column({ name: 'last_message_id', type: 'bigint', nullable: true, transformer: idColumn, select: false, insert: false, update: false })
  lastMessageId?: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
