import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { conflict } from '../common/errors/chat-error.js';
import { AppScope } from '../database/app-scope.js';
import { isUniqueViolation, violates } from '../database/db-errors.js';
import { ScopedRepository } from '../database/scoped-repository.js';
import { Tx } from '../database/transaction.js';
import { UserEntity, UserRoleValue } from './user.entity.js';
import { UserTokenEntity } from './user-token.entity.js';

export interface NewUser {
  uname: string;
  externalId: string | null;
  displayName: string | null;
  role: UserRoleValue;
  isBot: boolean;
  meta: Record<string, unknown> | null;
}

/** The columns a token check needs, read with the token's record in one query. */
export interface AuthSubject {
  userId: string;
  role: UserRoleValue;
  tokensValidAfter: Date | null;
  tokenRecorded: boolean;
  tokenRevokedAt: Date | null;
}

const IDS_PER_QUERY = 1_000;

@Injectable()
export class UsersRepository extends ScopedRepository<UserEntity> {
  constructor(db: DataSource) {
    super(db, UserEntity, 'user');
  }

  async insert(scope: AppScope, values: NewUser, tx?: Tx): Promise<UserEntity> {
    const now = new Date();
    const row = this.stamp<UserEntity>(scope, {
      ...values, unameKey: values.uname.toLowerCase(), tokensValidAfter: null, createdAt: now, updatedAt: now,
    } as Omit<UserEntity, 'appId' | 'id'> as Omit<UserEntity, 'appId'>);
    try {
      const em = this.manager(tx);
      return await em.save(UserEntity, em.create(UserEntity, row));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (violates(error, 'uq_users_app_external', 'external_id')) throw conflict(`externalId "${values.externalId}" is already taken`);
      throw conflict(`uname "${values.uname}" is already taken`);
    }
  }

  findById(scope: AppScope, id: string): Promise<UserEntity | null> {
    return this.select(scope).andWhere('user.id = :id', { id }).getOne();
  }

  /** In chunks, so a long list (every online user of a big app) stays under SQLite's bound parameters. */
  async findByIds(scope: AppScope, ids: readonly string[]): Promise<UserEntity[]> {
    const rows: UserEntity[] = [];
    for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
      const chunk = ids.slice(start, start + IDS_PER_QUERY);
      rows.push(...(await this.select(scope).andWhere('user.id IN (:...ids)', { ids: chunk }).getMany()));
    }
    return rows;
  }

  findByUname(scope: AppScope, uname: string): Promise<UserEntity | null> {
    return this.select(scope).andWhere('user.unameKey = :key', { key: uname.toLowerCase() }).getOne();
  }

  listPage(scope: AppScope, offset: number, limit: number): Promise<[UserEntity[], number]> {
    return this.select(scope).orderBy('user.id', 'ASC').skip(offset).take(limit).getManyAndCount();
  }

  deleteById(scope: AppScope, id: string): Promise<number> {
    return this.remove(scope, { id });
  }

  async deleteByIds(scope: AppScope, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.remove(scope, { id: In([...ids]) } as never);
  }

  async setRole(scope: AppScope, id: string, role: UserRoleValue): Promise<void> {
    await this.update(scope, { id }, { role, updatedAt: new Date() });
  }

  async setMeta(scope: AppScope, id: string, meta: Record<string, unknown> | null): Promise<void> {
    await this.update(scope, { id }, { meta, updatedAt: new Date() });
  }

  async setTokensValidAfter(scope: AppScope, userId: string, at: Date): Promise<void> {
    await this.update(scope, { id: userId }, { tokensValidAfter: at, updatedAt: at });
  }

  /** The user and (when recorded) the token with this jti, in one round trip. */
  async findAuthSubject(scope: AppScope, userId: string, jti: string | null): Promise<AuthSubject | null> {
    const row = await this.select(scope)
      .leftJoin(UserTokenEntity, 'token', this.joinOn('token', 'token.userId = user.id AND token.jti = :jti'), { jti: jti ?? '' })
      .andWhere('user.id = :userId', { userId })
      .select(['user.id AS id', 'user.role AS role', 'user.tokensValidAfter AS valid_after',
        'token.id AS token_id', 'token.revokedAt AS revoked_at'])
      .getRawOne<{ id: unknown; role: UserRoleValue; valid_after: unknown; token_id: unknown; revoked_at: unknown }>();
    if (!row) return null;
    return {
      userId: String(row.id), role: row.role, tokensValidAfter: toDate(row.valid_after),
      tokenRecorded: row.token_id !== null && row.token_id !== undefined, tokenRevokedAt: toDate(row.revoked_at),
    };
  }
}

/** Raw selects skip entity hydration: SQLite returns "YYYY-MM-DD HH:MM:SS.mmm" (UTC) text, mysql2 a Date. */
export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const text = String(value);
  return new Date(/[zZ]$|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}
