import { createHmac, randomUUID } from 'node:crypto';

export interface MintOptions {
  /** Lifetime in seconds (default 86,400: one day). */
  expiresIn?: number;
  /** Or an exact end; wins over expiresIn. */
  expiresAt?: Date;
}

/**
 * A user token made offline, the way the server makes them: an HS256 JWT signed with the app
 * secret, with claims sub (user id), app (app id), iat, exp and jti. The server accepts it until
 * exp, or until the user's tokens are revoked (revokeAll) or the app secret is rotated.
 */
export function mintUserToken(appId: string, appSecret: string, userId: string | number, options: MintOptions = {}): { token: string; expiresAt: Date } {
  const sub = String(userId);
  if (!/^[1-9][0-9]*$/.test(sub)) throw new TypeError('mintUserToken: userId must be the chat user id (an integer)');
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = options.expiresIn ?? 86_400;
  if (options.expiresAt === undefined && (!Number.isFinite(expiresIn) || expiresIn <= 0)) throw new TypeError('mintUserToken: expiresIn must be a positive number of seconds');
  const exp = options.expiresAt ? Math.floor(options.expiresAt.getTime() / 1000) : now + Math.floor(expiresIn);
  if (!Number.isFinite(exp) || exp <= now) throw new TypeError('mintUserToken: expiresAt must be in the future');
  const header = encode({ alg: 'HS256', typ: 'JWT' });
  const payload = encode({ sub, app: String(appId), iat: now, exp, jti: randomUUID() });
  const signature = createHmac('sha256', appSecret).update(`${header}.${payload}`).digest('base64url');
  return { token: `${header}.${payload}.${signature}`, expiresAt: new Date(exp * 1000) };
}

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
