import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { IdColumn, idColumn, jsonColumn } from '../database/columns.js';
import type { UserRoleValue } from '../principal/principal.js';

export type { UserRoleValue };

@Entity({ name: 'users' })
@Index('uq_users_app_uname', ['appId', 'unameKey'], { unique: true })
@Index('uq_users_app_external', ['appId', 'externalId'], { unique: true })
/** The key child rows name their user by, with the app: a child of another app cannot point here. */
@Index('uq_users_app_id', ['appId', 'id'], { unique: true })
export class UserEntity {
  @IdColumn()
  id: string;

  @Column({ name: 'app_id', type: 'bigint', transformer: idColumn })
  appId: string;

  @ManyToOne('AppEntity', { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'app_id' })
  app?: Relation<object>; // AppEntity: apps/ sits above users/, so the relation is named, not imported

  @Column({ name: 'external_id', type: 'varchar', length: 191, nullable: true })
  externalId: string | null;

  @Column({ type: 'varchar', length: 32 })
  uname: string;

  /** Lower-cased uname: uniqueness is case-insensitive on every driver. */
  @Column({ name: 'uname_key', type: 'varchar', length: 32 })
  unameKey: string;

  @Column({ name: 'display_name', type: 'varchar', length: 100, nullable: true })
  displayName: string | null;

  @Column({ type: 'varchar', length: 8, default: 'MEMBER' })
  role: UserRoleValue;

  @Column({ name: 'is_bot', type: 'boolean', default: false })
  isBot: boolean;

  @Column({ type: 'text', nullable: true, transformer: jsonColumn })
  meta: Record<string, unknown> | null;

  /** Tokens issued at or before this instant are revoked (covers tokens minted offline, too). */
  @Column({ name: 'tokens_valid_after', type: 'datetime', precision: 3, nullable: true })
  tokensValidAfter: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
