import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import jwt from 'jsonwebtoken';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { ChatError, unauthenticated } from '../common/errors/chat-error.js';
import { isIntegerId } from '../common/graphql/id.args.js';
import { scopeOf } from '../database/app-scope.js';
import { AppsService } from '../apps/apps.service.js';
import { AuthSubjectCache } from './auth-subject.cache.js';
import { UserPrincipal } from '../principal/principal.js';

interface UserTokenClaims {
  sub?: unknown;
  app?: unknown;
  jti?: unknown;
  iat?: unknown;
  exp?: unknown;
}

/** The token's app, read before verification so its secret can be the key. */
function appOf(rawToken: string): string | null {
  const claims = jwt.decode(rawToken, { json: true }) as UserTokenClaims | null;
  const app = claims?.app === undefined ? undefined : String(claims.app);
  return app !== undefined && isIntegerId(app) ? app : null;
}

/**
 * The only verifier of user tokens (HS256 JWTs signed with the app's secret, naming the app in
 * `app`). Expired, foreign, tampered and revoked tokens fail. Used by HTTP, graphql-ws and
 * Socket.IO alike through authenticateBearer(). The app's key is cached (AppsService), and so is
 * what the check reads of the user and the token record (AuthSubjectCache, kept current by the
 * bus): a request with a known token costs no query.
 */
@Injectable()
export class UserJwtStrategy extends PassportStrategy(Strategy, 'user-jwt') {
  constructor(apps: AppsService, private readonly subjects: AuthSubjectCache) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      algorithms: ['HS256'],
      secretOrKeyProvider: (_req: unknown, rawToken: string, done: (err: unknown, secret?: string | Buffer) => void) => {
        const appId = appOf(rawToken);
        if (!appId) return done(unauthenticated('Invalid token: no app claim'));
        apps.credentials(appId).then(
          // passport-jwt hands the key to jsonwebtoken, which takes a KeyObject (its typings say string | Buffer).
          (app) => (app ? done(null, app.verifyKey as unknown as Buffer) : done(unauthenticated('Invalid token: unknown app'))),
          (error) => done(error),
        );
      },
    });
  }

  /** Called by passport-jwt with the verified claims. */
  async validate(claims: UserTokenClaims): Promise<UserPrincipal> {
    if (typeof claims.exp !== 'number') throw unauthenticated('Invalid token: no exp claim');
    const userId = claims.sub === undefined ? '' : String(claims.sub);
    const appId = String(claims.app);
    if (!isIntegerId(userId)) throw unauthenticated('Invalid token: bad sub claim');
    const jti = typeof claims.jti === 'string' ? claims.jti : null;
    const scope = scopeOf(appId);
    const subject = await this.subjects.get(scope, userId, jti);
    if (!subject) throw unauthenticated('Invalid token: user not found', { reason: 'unknown_user' });
    const issuedAt = typeof claims.iat === 'number' ? claims.iat : 0;
    const revoked = subject.tokenRecorded
      ? subject.tokenRevokedAt !== null
      : subject.tokensValidAfter !== null && issuedAt <= Math.floor(subject.tokensValidAfter.getTime() / 1000);
    if (revoked) throw unauthenticated('Token revoked', { reason: 'revoked' });
    return { kind: 'user', scope, userId, role: subject.role, tokenId: jti ?? '', expiresAt: new Date(claims.exp * 1000) };
  }

  /** Runs this strategy on a bare token, outside an HTTP request (graphql-ws, Socket.IO). */
  authenticateBearer(token: string): Promise<UserPrincipal> {
    return new Promise((resolve, reject) => {
      const run = Object.create(this) as Strategy & Record<string, unknown>;
      run.success = (user: UserPrincipal) => resolve(user);
      run.fail = (info: unknown) => reject(info instanceof ChatError ? info : refusal(info));
      run.error = (error: unknown) => reject(error);
      run.authenticate({ headers: { authorization: `Bearer ${token}` } } as never, {});
    });
  }
}

/** passport-jwt's failure as UNAUTHENTICATED; an expired token says so in `reason`, so a client knows to get a fresh one. */
function refusal(info: unknown): ChatError {
  if (info instanceof Error && info.name === 'TokenExpiredError') return unauthenticated('Token expired', { reason: 'expired' });
  if (info instanceof Error) return unauthenticated(`Invalid token: ${info.message}`);
  return unauthenticated('Invalid token');
}
