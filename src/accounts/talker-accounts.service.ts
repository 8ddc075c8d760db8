import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { badInput, ChatError, conflict, notFound, unauthenticated } from '../common/errors/chat-error.js';
import { LOGGER } from '../common/logging/logging.module.js';
import { AppScope } from '../database/app-scope.js';
import { UnitOfWork } from '../database/transaction.js';
import { MailService } from '../mail/mail.service.js';
import type { UserPrincipal } from '../principal/principal.js';
import { UNAME_PATTERN } from '../users/create-user.input.js';
import { UserCache } from '../users/user.cache.js';
import { UsersRepository } from '../users/users.repository.js';
import { LoginAttempts } from './login-attempts.js';
import { DECOY_HASH, hashPassword, verifyPassword } from './password-hash.js';
import { TalkerAccountsRepository } from './talker-accounts.repository.js';
import { TalkerApp } from './talker-app.service.js';
import { TalkerSessionsRepository } from './talker-sessions.repository.js';

/** A logged-in talker account: its user as a principal of the talker app, and the session key (clientAddress). */
export interface TalkerIdentity {
  userId: string;
  principal: UserPrincipal;
  sessionKey: string;
}

/** Longest email kept (the column's length). */
export const MAX_EMAIL = 191;
/** How many users /search/users answers at most. */
export const SEARCH_LIMIT = 20;
/** Talker sessions end on logout or when the user goes, not by time: their principal's expiry is far away. */
const NO_EXPIRY = new Date('9999-12-31T00:00:00Z');
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Talker accounts: registration with a confirmation mail, confirmation, login (scrypt, attempts
 * limited), sessions kept in the database (any instance can check a clientAddress), searches.
 * Codes: BAD_USER_INPUT, CONFLICT (used), NOT_FOUND, UNAUTHENTICATED (reason wrong_credentials or
 * a session that proves nobody), FORBIDDEN (reason not_confirmed), RATE_LIMITED (reason login_attempts),
 * UNAVAILABLE (no talker app, or the mail could not be sent).
 */
@Injectable()
export class TalkerAccountsService {
  constructor(
    private readonly app: TalkerApp,
    private readonly accounts: TalkerAccountsRepository,
    private readonly sessions: TalkerSessionsRepository,
    private readonly users: UsersRepository,
    private readonly userCache: UserCache,
    private readonly attempts: LoginAttempts,
    private readonly mail: MailService,
    private readonly uow: UnitOfWork,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async isEmailUsed(email: string): Promise<boolean> {
    const scope = await this.app.scope();
    return (await this.accounts.findByEmail(scope, normalizeEmail(email))) !== null;
  }

  /** Any user of the talker app holds the name (usernames are the users' unames). */
  async isUsernameUsed(username: string): Promise<boolean> {
    const scope = await this.app.scope();
    return (await this.users.findByUname(scope, checkUsername(username))) !== null;
  }

  /**
   * Makes the user and the account (unconfirmed) in one transaction, then mails the confirmation.
   * The same email, username and hash again while unconfirmed sends a new confirmation (the
   * earlier one stops working): a mail that could not be sent is retried so.
   */
  async register(input: { email: string; username: string; hash: string }): Promise<{ id: string }> {
    const scope = await this.app.scope();
    const email = normalizeEmail(input.email);
    const username = checkUsername(input.username);
    const uuid = randomUUID();
    const passwordHash = await hashPassword(input.hash);
    const existing = await this.accounts.findByEmail(scope, email);
    let userId: string;
    if (existing) {
      const retry = existing.account.confirmedAt === null && existing.uname.toLowerCase() === username.toLowerCase()
        && (await verifyPassword(input.hash, existing.account.passwordHash));
      if (!retry || !(await this.accounts.renewConfirmation(scope, existing.account.userId, sha256(uuid), passwordHash))) {
        throw conflict(`email "${email}" is already used`);
      }
      userId = existing.account.userId;
    } else {
      userId = await this.uow.run(async (tx) => {
        const user = await this.users.insert(scope, { uname: username, externalId: null, displayName: null, role: 'MEMBER', isBot: false, meta: null }, tx);
        await this.accounts.insert(scope, { userId: user.id, email, passwordHash, confirmHash: sha256(uuid) }, tx);
        return user.id;
      });
    }
    await this.sendConfirmation(email, username, userId, uuid);
    return { id: userId };
  }

  /** NOT_FOUND unless the uuid is the one last mailed for this account; confirming again succeeds. */
  async confirm(userId: string, uuid: string): Promise<{ id: string }> {
    const scope = await this.app.scope();
    const account = await this.accounts.findByUserId(scope, userId);
    if (!account) throw notFound('Confirmation');
    if (account.confirmedAt === null && !(await this.accounts.confirm(scope, userId, sha256(uuid.toLowerCase())))) {
      const now = await this.accounts.findByUserId(scope, userId);
      if (!now || now.confirmedAt === null) throw notFound('Confirmation');
    }
    return { id: userId };
  }

  /** By username or email. WRONG_CREDENTIALS, NOT_CONFIRMED (only for the right password), TOO_MANY_ATTEMPTS. */
  async login(input: { login: string; hash: string }, address: string): Promise<TalkerIdentity> {
    const scope = await this.app.scope();
    const login = input.login.trim().toLowerCase();
    const found = await this.accounts.findByLogin(scope, login);
    const accountKey = `${scope.appId}:${found ? `u${found.account.userId}` : `l${sha256(login)}`}`;
    await this.attempts.assertAllowed(accountKey, address);
    const ok = await verifyPassword(input.hash, found?.account.passwordHash ?? DECOY_HASH);
    if (!found || !ok) {
      await this.attempts.failed(accountKey, address);
      throw unauthenticated('Wrong login or password', { reason: 'wrong_credentials' });
    }
    await this.attempts.succeeded(accountKey);
    if (found.account.confirmedAt === null) throw new ChatError('FORBIDDEN', 'Confirm your email first (the link in the mail /register sent)', { reason: 'not_confirmed' });
    const sessionKey = randomBytes(32).toString('base64url');
    await this.sessions.insert(scope, found.account.userId, sha256(sessionKey));
    const identity = await this.identify(scope, found.account.userId, sessionKey);
    if (!identity) throw unauthenticated('The account was deleted meanwhile', { reason: 'unknown_user' });
    return identity;
  }

  /** Ends that session only. */
  async logout(sessionKey: string): Promise<void> {
    const scope = await this.app.scope();
    await this.sessions.deleteByKeyHash(scope, sha256(sessionKey));
  }

  /** The account a user_id + clientAddress pair proves, or null. */
  async session(userId: string, sessionKey: string): Promise<TalkerIdentity | null> {
    return this.identify(await this.app.scope(), userId, sessionKey);
  }

  /** An open socket's session again, as of now: UNAUTHENTICATED (reason unknown_user or revoked) once it proves nobody. */
  async recheck(before: UserPrincipal, sessionKey: string): Promise<UserPrincipal> {
    const identity = await this.identify(before.scope, before.userId, sessionKey);
    if (identity) return identity.principal;
    const user = await this.userCache.get(before.scope, before.userId);
    throw unauthenticated('The session ended', { reason: user ? 'revoked' : 'unknown_user' });
  }

  /** Confirmed accounts whose username or email contains the text; emails are never answered. */
  async searchUsers(text: string): Promise<{ id: string; username: string }[]> {
    const scope = await this.app.scope();
    const rows = await this.accounts.searchConfirmed(scope, text.trim(), SEARCH_LIMIT);
    return rows.map((row) => ({ id: row.id, username: row.uname }));
  }

  private async identify(scope: AppScope, userId: string, sessionKey: string): Promise<TalkerIdentity | null> {
    const session = await this.sessions.findByKeyHash(scope, sha256(sessionKey));
    if (!session || session.userId !== userId) return null;
    const user = await this.userCache.get(scope, userId);
    if (!user) return null;
    const principal: UserPrincipal = { kind: 'user', scope, userId, role: user.role, tokenId: `talker-session:${session.id}`, expiresAt: NO_EXPIRY };
    return { userId, principal, sessionKey };
  }

  private async sendConfirmation(email: string, username: string, userId: string, uuid: string): Promise<void> {
    try {
      await this.mail.send({
        to: email,
        subject: 'Confirm your talker account',
        text: `Hello ${username},\n\nconfirm your account with /register/confirm and these values:\n\nid=${userId}\nuuid=${uuid}\n\n`
          + 'If you did not register, ignore this mail.\n',
      });
    } catch (error) {
      this.log.warn({ err: error, userId }, 'could not send a talker confirmation mail');
      throw new ChatError('UNAVAILABLE', 'The confirmation mail could not be sent: send /register again with the same email, username and hash');
    }
  }
}

export function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (normalized.length > MAX_EMAIL || !EMAIL_PATTERN.test(normalized)) throw badInput('email must be an address such as name@example.com');
  return normalized;
}

export function checkUsername(username: string): string {
  if (!UNAME_PATTERN.test(username)) throw badInput('username must be 1–32 letters, digits, _, - or .');
  return username;
}
