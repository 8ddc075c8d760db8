import { Injectable } from '@nestjs/common';
import { unauthenticated } from '../common/errors/chat-error.js';
import { isIntegerId } from '../common/graphql/id.args.js';
import { AppConfig } from '../config/app-config.js';
import { AppScope, scopeOf } from '../database/app-scope.js';
import { AppsService } from '../apps/apps.service.js';
import { UserTokensRepository } from '../users/user-tokens.repository.js';
import { UserCache } from '../users/user.cache.js';
import { toUser, User } from '../users/user.model.js';
import { Credentials, Principal, UserPrincipal } from '../principal/principal.js';
import { secretsEqual } from '../principal/secrets.js';
import { UserJwtStrategy } from './user-jwt.strategy.js';

/** The only code that makes a Principal. Transports extract Credentials and call resolve(). */
@Injectable()
export class PrincipalService {
  constructor(
    private readonly config: AppConfig,
    private readonly apps: AppsService,
    private readonly userJwt: UserJwtStrategy,
    private readonly tokens: UserTokensRepository,
    private readonly users: UserCache,
  ) {}

  /** null: no credentials at all. Throws UNAUTHENTICATED for credentials that do not check out. */
  async resolve(credentials: Credentials): Promise<Principal | null> {
    if (credentials.adminKey !== undefined) {
      if (!secretsEqual(credentials.adminKey, this.config.adminKey)) throw unauthenticated('Invalid admin key');
      return { kind: 'operator' };
    }
    if (credentials.appId !== undefined || credentials.appSecret !== undefined) {
      return this.resolveApp(credentials.appId, credentials.appSecret);
    }
    if (credentials.bearer !== undefined) {
      if (credentials.bearer === '') throw unauthenticated('Authorization must be "Bearer <token>"');
      return this.userJwt.authenticateBearer(credentials.bearer);
    }
    return null;
  }

  /**
   * The legacy socket's `auth`: the app named by app_id (null when there is none) and, when the
   * hashed token is the SHA-256 of a token this server issued for that app, not revoked, not
   * expired, and not cut off by a later revokeUserTokens, its user. Otherwise `refused` says why
   * (null when no well-formed token was given at all: an anonymous reader).
   */
  async resolveLegacy(appId: string, hashedToken: string | null): Promise<LegacyIdentity | null> {
    const app = isIntegerId(appId) ? await this.apps.credentials(appId) : null;
    if (!app) return null;
    const scope = scopeOf(app.id);
    const hash = hashedToken?.toLowerCase() ?? '';
    if (!/^[0-9a-f]{64}$/.test(hash)) return { scope, user: null, refused: null };
    const record = await this.tokens.findByHash(hash);
    if (!record || record.appId !== app.id) return { scope, user: null, refused: 'unknown_token' };
    if (record.revokedAt !== null) return { scope, user: null, refused: 'revoked' };
    if (record.expiresAt.getTime() <= Date.now()) return { scope, user: null, refused: 'expired' };
    const user = await this.users.get(scope, record.userId);
    if (!user) return { scope, user: null, refused: 'unknown_user' };
    if (user.tokensValidAfter && record.createdAt.getTime() <= user.tokensValidAfter.getTime()) return { scope, user: null, refused: 'revoked' };
    const principal: UserPrincipal = { kind: 'user', scope, userId: user.id, role: user.role, tokenId: record.jti, expiresAt: record.expiresAt };
    return { scope, user: { principal, view: toUser(user) }, refused: null };
  }

  /**
   * The legacy socket's user again, as of now (an open socket's credentials are checked for its
   * whole life): UNAUTHENTICATED with `reason` (revoked, expired, unknown_user) once the hashed
   * token no longer proves them, the same reasons the bearer check gives.
   */
  async recheckLegacy(before: UserPrincipal, hashedToken: string): Promise<UserPrincipal> {
    const identity = await this.resolveLegacy(before.scope.appId, hashedToken);
    if (identity?.user) return identity.user.principal;
    let reason = identity?.refused ?? 'revoked';
    // Deleting a user deletes their token records with them: a record gone with its user is a deleted user.
    if (reason === 'unknown_token') reason = (await this.users.get(before.scope, before.userId)) ? 'revoked' : 'unknown_user';
    throw unauthenticated('The hashed_token no longer proves a user', { reason });
  }

  private async resolveApp(appId: string | undefined, secret: string | undefined): Promise<Principal> {
    if (appId === undefined || secret === undefined) throw unauthenticated('Send both x-app-id and x-app-secret');
    const app = isIntegerId(appId) ? await this.apps.credentials(appId) : null;
    // Compare even when the app is missing, so timing does not tell which apps exist.
    const ok = secretsEqual(secret, app?.secret ?? 'no-such-app');
    if (!app || !ok) throw unauthenticated('Invalid app id or secret');
    return { kind: 'app', scope: scopeOf(app.id) };
  }
}

/** Who a legacy socket is: always its app; a user only for a good hashed_token. */
export interface LegacyIdentity {
  scope: AppScope;
  /** The user's principal and view (their row is read once, here). */
  user: { principal: UserPrincipal; view: User } | null;
  /** Why a well-formed hashed_token proves no user; null when it does, or when none was given. */
  refused: 'unknown_token' | 'revoked' | 'expired' | 'unknown_user' | null;
}
