import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { conflict } from '../common/errors/chat-error.js';
import { AppScope } from '../database/app-scope.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { containsPattern } from '../database/like-pattern.js';
import { ScopedRepository } from '../database/scoped-repository.js';
import { Tx } from '../database/transaction.js';
import { UserEntity } from '../users/user.entity.js';
import { TalkerAccountEntity } from './talker-account.entity.js';

/** An account with its user's name. */
export interface AccountWithUser {
  account: TalkerAccountEntity;
  uname: string;
}

@Injectable()
export class TalkerAccountsRepository extends ScopedRepository<TalkerAccountEntity> {
  constructor(db: DataSource) {
    super(db, TalkerAccountEntity, 'account');
  }

  /** CONFLICT when the email is taken in this app. */
  async insert(scope: AppScope, values: { userId: string; email: string; passwordHash: string; confirmHash: string }, tx?: Tx): Promise<void> {
    const row = this.stamp<TalkerAccountEntity>(scope, { ...values, confirmedAt: null, createdAt: new Date() } as Omit<TalkerAccountEntity, 'appId'>);
    try {
      await this.manager(tx).insert(TalkerAccountEntity, row as never);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`email "${values.email}" is already used`);
      throw error;
    }
  }

  /** The users of accounts never confirmed that were registered before `before`, oldest first. */
  async unconfirmedBefore(scope: AppScope, before: Date, limit: number): Promise<string[]> {
    const rows = await this.select(scope).andWhere('account.confirmedAt IS NULL').andWhere('account.createdAt < :before', { before })
      .orderBy('account.createdAt', 'ASC').take(limit).getMany();
    return rows.map((row) => row.userId);
  }

  findByUserId(scope: AppScope, userId: string): Promise<TalkerAccountEntity | null> {
    return this.select(scope).andWhere('account.userId = :userId', { userId }).getOne();
  }

  async findByEmail(scope: AppScope, email: string): Promise<AccountWithUser | null> {
    return this.withUser(scope).andWhere('account.email = :email', { email }).getOne().then(withUname);
  }

  /** By lower-cased username or email. */
  async findByLogin(scope: AppScope, login: string): Promise<AccountWithUser | null> {
    return this.withUser(scope).andWhere('(account.email = :login OR user.unameKey = :login)', { login }).getOne().then(withUname);
  }

  /** A new confirmation (and password) for an account not confirmed yet; false when it is confirmed meanwhile. */
  async renewConfirmation(scope: AppScope, userId: string, confirmHash: string, passwordHash: string): Promise<boolean> {
    const result = await this.update(scope, { userId, confirmedAt: IsNull() } as never, { confirmHash, passwordHash });
    return (result.affected ?? 0) > 0;
  }

  /** Confirms the account when the hash is its last confirmation's; false otherwise. */
  async confirm(scope: AppScope, userId: string, confirmHash: string): Promise<boolean> {
    const result = await this.db.manager.createQueryBuilder().update(TalkerAccountEntity)
      .set({ confirmedAt: new Date(), confirmHash: null })
      .where('app_id = :appId AND user_id = :userId AND confirm_hash = :confirmHash AND confirmed_at IS NULL', { appId: scope.appId, userId, confirmHash })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Confirmed accounts whose username or email contains the text (case-insensitively), by username. */
  async searchConfirmed(scope: AppScope, text: string, limit: number): Promise<{ id: string; uname: string }[]> {
    const pattern = containsPattern(text.toLowerCase());
    const rows = await this.withUser(scope)
      .andWhere('account.confirmedAt IS NOT NULL')
      .andWhere("(user.unameKey LIKE :pattern ESCAPE '!' OR account.email LIKE :pattern ESCAPE '!')", { pattern })
      .orderBy('user.unameKey', 'ASC').take(limit).getMany();
    return rows.map((row) => ({ id: row.userId, uname: unameOf(row) }));
  }

  private withUser(scope: AppScope) {
    return this.select(scope).innerJoinAndMapOne('account.user', UserEntity, 'user', this.joinOn('user', 'user.id = account.userId'));
  }
}

const unameOf = (row: TalkerAccountEntity) => (row as TalkerAccountEntity & { user: UserEntity }).user.uname;
const withUname = (row: TalkerAccountEntity | null): AccountWithUser | null => (row ? { account: row, uname: unameOf(row) } : null);
