import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { badInput, notFound } from '../common/errors/chat-error.js';
import { AppScope } from '../database/app-scope.js';
import { AppsService } from '../apps/apps.service.js';
import { UserToken } from '../users/user.model.js';
import { UserTokensRepository } from '../users/user-tokens.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import { UsersService } from '../users/users.service.js';
import { sha256Hex } from '../principal/secrets.js';

export const DEFAULT_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** Mints and revokes user tokens. Issued tokens are recorded by jti and SHA-256, never in clear. */
@Injectable()
export class TokensService {
  constructor(
    private readonly apps: AppsService,
    private readonly users: UsersRepository,
    private readonly tokens: UserTokensRepository,
    private readonly usersService: UsersService,
  ) {}

  async issue(scope: AppScope, userId: string, expiresAt?: Date | null): Promise<UserToken> {
    const now = Date.now();
    const expiry = expiresAt ?? new Date(now + DEFAULT_TOKEN_LIFETIME_MS);
    if (Number.isNaN(expiry.getTime())) throw badInput('expiresAt is not a valid time');
    if (expiry.getTime() <= now) throw badInput('expiresAt must be in the future');
    const user = await this.users.findById(scope, userId);
    if (!user) throw notFound('User');
    const app = await this.apps.credentials(scope.appId);
    if (!app) throw notFound('App');
    const jti = randomUUID();
    const exp = Math.floor(expiry.getTime() / 1000);
    const token = jwt.sign({ app: scope.appId, jti, exp }, app.secret, { algorithm: 'HS256', subject: user.id });
    const hashedToken = sha256Hex(token);
    const expiresAtSecond = new Date(exp * 1000);
    await this.tokens.insert(scope, { userId: user.id, jti, tokenHash: hashedToken, expiresAt: expiresAtSecond });
    return { token, hashedToken, expiresAt: expiresAtSecond };
  }

  /**
   * Revokes every token of the user: recorded ones by their record, and tokens the app minted
   * offline by time (issued at or before now). Returns how many recorded, live tokens were revoked.
   */
  async revokeAll(scope: AppScope, userId: string): Promise<number> {
    const user = await this.users.findById(scope, userId);
    if (!user) throw notFound('User');
    const now = new Date();
    try {
      const count = await this.tokens.revokeLiveForUser(scope, user.id, now);
      await this.users.setTokensValidAfter(scope, user.id, now);
      return count;
    } finally {
      // Even when the second write failed, the first may have revoked tokens that caches still hold.
      await this.usersService.changed(scope, [user.id]);
    }
  }
}
