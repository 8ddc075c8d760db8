import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { IdColumn, idColumn } from '../database/columns.js';

/** A token the server issued. The token itself is never stored: only its jti and SHA-256. */
@Entity({ name: 'user_tokens' })
@Index('ix_user_tokens_user', ['appId', 'userId'])
@ForeignKey('UserEntity', ['appId', 'userId'], ['appId', 'id'], { name: 'fk_user_tokens_user', onDelete: 'CASCADE' })
export class UserTokenEntity {
  @IdColumn()
  id: string;

  @Column({ name: 'app_id', type: 'bigint', transformer: idColumn })
  appId: string;

  @Column({ name: 'user_id', type: 'bigint', transformer: idColumn })
  userId: string;

  @Index('uq_user_tokens_jti', { unique: true })
  @Column({ type: 'varchar', length: 36 })
  jti: string;

  /** Lower-case hex SHA-256 of the token: the legacy protocol's hashed_token. */
  @Index('uq_user_tokens_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
