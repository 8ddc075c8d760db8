import { AppScope } from '../database/app-scope.js';

/** A user's role in its app; stored in users.role (UserEntity). */
export type UserRoleValue = 'MEMBER' | 'MOD' | 'ADMIN' | 'OWNER';

export type OperatorPrincipal = { kind: 'operator' };
export type AppPrincipal = { kind: 'app'; scope: AppScope };
/** A user as one token proves them; `expiresAt` is the token's (its sockets close then: src/auth/open-sessions.ts). */
export type UserPrincipal = { kind: 'user'; scope: AppScope; userId: string; role: UserRoleValue; tokenId: string; expiresAt: Date };
export type Principal = OperatorPrincipal | AppPrincipal | UserPrincipal;
export type ScopedPrincipal = Exclude<Principal, OperatorPrincipal>;
export type PrincipalKind = Principal['kind'];

/** What a transport extracted from its request; PrincipalService turns it into a Principal. */
export interface Credentials {
  adminKey?: string;
  appId?: string;
  appSecret?: string;
  /** The raw JWT, without "Bearer ". */
  bearer?: string;
}

const header = (headers: Record<string, unknown>, name: string): string | undefined => {
  const value = headers[name];
  return typeof value === 'string' && value !== '' ? value : Array.isArray(value) ? String(value[0]) : undefined;
};

/** HTTP headers and graphql-ws connectionParams carry the same names (SPEC, "Who calls"). */
export function credentialsFrom(source: Record<string, unknown> | null | undefined): Credentials {
  if (!source) return {};
  const lower = Object.fromEntries(Object.entries(source).map(([k, v]) => [k.toLowerCase(), v]));
  const authorization = header(lower, 'authorization');
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  return {
    adminKey: header(lower, 'x-admin-key'),
    appId: header(lower, 'x-app-id'),
    appSecret: header(lower, 'x-app-secret'),
    bearer: bearer ?? (authorization !== undefined ? '' : undefined),
  };
}

