import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { IdColumn, idColumn } from '../database/columns.js';

/**
 * A talker account: a user of the talker app with an email and a password. The client's `hash` is
 * never stored, only its scrypt hash (password-hash.ts). Deleting the user deletes the account.
 */
@Entity({ name: 'talker_accounts' })
@Index('uq_talker_accounts_user', ['appId', 'userId'], { unique: true })
@Index('uq_talker_accounts_email', ['appId', 'email'], { unique: true })
@ForeignKey('UserEntity', ['appId', 'userId'], ['appId', 'id'], { name: 'fk_talker_accounts_user', onDelete: 'CASCADE' })
export class TalkerAccountEntity {
  @IdColumn()
  id: string;

  @Column({ name: 'app_id', type: 'bigint', transformer: idColumn })
  appId: string;

  @Column({ name: 'user_id', type: 'bigint', transformer: idColumn })
  userId: string;

  /** Lower case. */
  @Column({ type: 'varchar', length: 191 })
  email: string;

  /** `scrypt$N$r$p$salt$hash` (base64url). */
  @Column({ name: 'password_hash', type: 'varchar', length: 200 })
  passwordHash: string;

  /** SHA-256 (hex) of the uuid of the last confirmation mail; null once confirmed. */
  @Column({ name: 'confirm_hash', type: 'varchar', length: 64, nullable: true })
  confirmHash: string | null;

  @Column({ name: 'confirmed_at', type: 'datetime', precision: 3, nullable: true })
  confirmedAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
