import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { unauthenticated } from '../common/errors/chat-error.js';
import { isIntegerId } from '../common/graphql/id.args.js';
import { scopeOf } from '../database/app-scope.js';
import { AppsService } from '../apps/apps.service.js';
import { AuthSubjectCache } from './auth-subject.cache.js';
import { UserPrincipal } from './principal.js';

interface UserTokenClaims {
  sub?: unknown;
  app?: unknown;
  jti?: unknown;
  iat?: unknown;
  nbf?: unknown;
  exp?: unknown;
}

/** A JWT segment as a JSON object, or null when it is not one. */
function segmentObject(segment: string | undefined): Record<string, unknown> | null {
  if (!segment) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The only verifier of user tokens (HS256 JWTs signed with the app's secret, naming the app in
 * `app`). Expired, foreign, tampered and revoked tokens fail. Used by HTTP, graphql-ws and
 * Socket.IO alike through authenticateBearer().
 *
 * Verified here with node:crypto and the app's cached HMAC key, in one pass over the token
 * (passport-jwt decoded it twice and went through jsonwebtoken's stream machinery per request);
 * the user's role and the token's revocation come from AuthSubjectCache, which the bus keeps
 * current.
 */
@Injectable()
export class UserJwtStrategy {
  constructor(private readonly apps: AppsService, private readonly subjects: AuthSubjectCache) {}

  async authenticateBearer(token: string): Promise<UserPrincipal> {
    const claims = await this.verify(token);
    if (claims.exp === undefined) throw unauthenticated('Invalid token: no exp claim');
    const userId = claims.sub === undefined ? '' : String(claims.sub);
    if (!isIntegerId(userId)) throw unauthenticated('Invalid token: bad sub claim');
    const jti = typeof claims.jti === 'string' ? claims.jti : null;
    const scope = scopeOf(String(claims.app));
    const subject = await this.subjects.get(scope, userId, jti);
    if (!subject) throw unauthenticated('Invalid token: user not found');
    const issuedAt = typeof claims.iat === 'number' ? claims.iat : 0;
    const revoked = subject.tokenRecorded
      ? subject.tokenRevokedAt !== null
      : subject.tokensValidAfter !== null && issuedAt <= Math.floor(subject.tokensValidAfter.getTime() / 1000);
    if (revoked) throw unauthenticated('Token revoked', { reason: 'revoked' });
    return { kind: 'user', scope, userId, role: subject.role, tokenId: jti ?? '' };
  }

  /**
   * The claims of a token signed (HS256) with the secret of the app its `app` claim names, whose
   * nbf and exp, when present, hold now. The app is read first: its secret is the key.
   */
  private async verify(token: string): Promise<UserTokenClaims> {
    const [head, body, signature, ...rest] = token.split('.');
    const claims = rest.length === 0 ? (segmentObject(body) as UserTokenClaims | null) : null;
    const appId = claims?.app === undefined ? null : String(claims.app);
    if (!claims || !appId || !isIntegerId(appId)) throw unauthenticated('Invalid token: no app claim');
    const app = await this.apps.credentials(appId);
    if (!app) throw unauthenticated('Invalid token: unknown app');
    if (segmentObject(head)?.alg !== 'HS256') throw unauthenticated('Invalid token: invalid algorithm');
    if (!signature) throw unauthenticated('Invalid token: jwt signature is required');
    // Compared as text: decoding the given signature would let variants of its spelling pass.
    const expected = Buffer.from(createHmac('sha256', app.verifyKey).update(`${head}.${body}`).digest('base64url'));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw unauthenticated('Invalid token: invalid signature');
    const now = Math.floor(Date.now() / 1000);
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || now < claims.nbf)) throw unauthenticated('Invalid token: jwt not active');
    if (claims.exp !== undefined && typeof claims.exp !== 'number') throw unauthenticated('Invalid token: invalid exp value');
    if (typeof claims.exp === 'number' && now >= claims.exp) throw unauthenticated('Token expired');
    return claims;
  }
}
