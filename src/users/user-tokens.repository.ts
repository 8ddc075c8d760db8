import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, MoreThan } from 'typeorm';
import { AppScope } from '../database/app-scope.js';
import { ScopedRepository } from '../database/scoped-repository.js';
import { Tx } from '../database/transaction.js';
import { UserTokenEntity } from './user-token.entity.js';

@Injectable()
export class UserTokensRepository extends ScopedRepository<UserTokenEntity> {
  constructor(db: DataSource) {
    super(db, UserTokenEntity, 'token');
  }

  async insert(scope: AppScope, values: { userId: string; jti: string; tokenHash: string; expiresAt: Date }): Promise<void> {
    const row = this.stamp<UserTokenEntity>(scope, { ...values, revokedAt: null, createdAt: new Date() } as Omit<UserTokenEntity, 'appId'>);
    await this.db.manager.insert(UserTokenEntity, row as never);
  }

  /** Revokes the user's live tokens; returns how many were live. */
  async revokeLiveForUser(scope: AppScope, userId: string, at: Date): Promise<number> {
    const result = await this.update(scope, { userId, revokedAt: IsNull(), expiresAt: MoreThan(at) } as never, { revokedAt: at });
    return result.affected ?? 0;
  }

  /** Every token of the app (on secret rotation). */
  async revokeAllForApp(scope: AppScope, at: Date, tx?: Tx): Promise<void> {
    await this.update(scope, { revokedAt: IsNull() } as never, { revokedAt: at }, tx);
  }

  // unscoped: the legacy socket names its app beside the hash; the caller checks the app matches.
  findByHash(tokenHash: string): Promise<UserTokenEntity | null> {
    return this.db.manager.findOne(UserTokenEntity, { where: { tokenHash } });
  }
}
