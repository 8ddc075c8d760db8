import * as ops from '../generated/graphql.js';
import { IDEMPOTENT, ONCE, type Call } from './call.js';

/** `chat.tokens`: tokens the server issues and records, and revoking them (see also ChatClient.mintUserToken). */
export class TokensApi {
  constructor(private readonly call: Call) {}
  /** A token the server records (default lifetime 24 hours); `expiresIn` in seconds. */
  async issue(userId: string, options: { expiresAt?: Date | string; expiresIn?: number } = {}) {
    const expiresAt = options.expiresAt !== undefined ? new Date(options.expiresAt).toISOString()
      : options.expiresIn !== undefined ? new Date(Date.now() + options.expiresIn * 1000).toISOString() : undefined;
    return (await this.call(ops.IssueUserTokenDocument, { userId, expiresAt }, ONCE)).issueUserToken;
  }
  /** Revokes every token of the user, offline-minted ones included; returns how many recorded ones were live. */
  async revokeAll(userId: string) { return (await this.call(ops.RevokeUserTokensDocument, { userId }, IDEMPOTENT)).revokeUserTokens; }
}
