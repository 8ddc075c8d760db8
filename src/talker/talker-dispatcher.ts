import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Socket } from 'socket.io';
import { TalkerAccountsService } from '../accounts/talker-accounts.service.js';
import { LOGGER } from '../common/logging/logging.module.js';
import { badRequest, INTERNAL, notLoggedIn, toTalkerError } from './talker-errors.js';
import { TalkerLogins } from './talker-logins.js';
import { optionalId, payloadObject } from './talker-params.js';
import { TalkerCaller, TalkerContext, TalkerError, TalkerRoute } from './talker-route.js';

/** A route call's outcome, for the transport to put on its wire. */
export type Outcome = { ok: true; result: unknown } | { ok: false; error: TalkerError };

/**
 * Runs routes for both transports: proves the caller of routes that require login, parses the
 * payload, handles it, and maps any failure to a TalkerError (unexpected ones are logged, INTERNAL).
 */
@Injectable()
export class TalkerDispatcher {
  constructor(private readonly accounts: TalkerAccountsService, private readonly logins: TalkerLogins, @Inject(LOGGER) private readonly log: Logger) {}

  /** Over HTTP: routes that require login need user_id + clientAddress of a live session. */
  async overHttp(route: TalkerRoute, raw: unknown, address: string, base: string): Promise<Outcome> {
    return this.attempt(route, async () => {
      const caller = route.auth ? await this.byClientAddress(raw) : null;
      if (route.auth && !caller) throw notLoggedIn();
      return this.run(route, raw, { caller, address, base, socket: null });
    });
  }

  /**
   * Over a socket: a logged-in socket's own session, when user_id is its account (else `auth`
   * false); a slash route from a socket not logged in may prove itself with user_id + clientAddress.
   * A logged-in socket sending a payload that is not an object gets BAD_REQUEST: it is logged in,
   * the payload is what is wrong (not logged in, NOT_LOGGED_IN comes first).
   */
  async overSocket(route: TalkerRoute, raw: unknown, socket: Socket, address: string, base: string): Promise<Outcome> {
    return this.attempt(route, async () => {
      let caller: TalkerCaller | null = null;
      if (route.auth) {
        const loggedIn = this.logins.isLoggedIn(socket);
        if (loggedIn && !isObject(raw)) throw badRequest('The payload must be an object with user_id');
        caller = loggedIn ? await this.bySocket(socket, raw) : route.serve === 'both' ? await this.byClientAddress(raw) : null;
        if (!caller) throw notLoggedIn();
      }
      return this.run(route, raw, { caller, address, base, socket });
    });
  }

  private async run(route: TalkerRoute, raw: unknown, ctx: TalkerContext): Promise<unknown> {
    const params = route.parse(raw);
    return route.handle(params, ctx);
  }

  private async attempt(route: TalkerRoute, work: () => Promise<unknown>): Promise<Outcome> {
    try {
      return { ok: true, result: await work() };
    } catch (error) {
      const known = toTalkerError(error);
      if (known) return { ok: false, error: known };
      this.log.error({ err: error, route: route.name }, 'talker route failed');
      return { ok: false, error: INTERNAL() };
    }
  }

  private async byClientAddress(raw: unknown): Promise<TalkerCaller | null> {
    const { userId, clientAddress } = credentialsOf(raw);
    if (!userId || !clientAddress) return null;
    const identity = await this.accounts.session(userId, clientAddress);
    return identity && { userId: identity.userId, principal: identity.principal, sessionKey: identity.sessionKey };
  }

  private async bySocket(socket: Socket, raw: unknown): Promise<TalkerCaller | null> {
    const login = await this.logins.current(socket);
    if (!login) return null;
    const { userId, clientAddress } = credentialsOf(raw);
    if (userId !== login.userId || (clientAddress !== null && clientAddress !== login.sessionKey)) {
      socket.emit('auth', false);
      return null;
    }
    return { userId: login.userId, principal: login.principal, sessionKey: login.sessionKey };
  }
}

const isObject = (raw: unknown): raw is Record<string, unknown> => typeof raw === 'object' && raw !== null && !Array.isArray(raw);

/** user_id and clientAddress as sent; malformed ones count as absent (NOT_LOGGED_IN, not BAD_REQUEST). */
function credentialsOf(raw: unknown): { userId: string | null; clientAddress: string | null } {
  let payload: Record<string, unknown>;
  try {
    payload = payloadObject(raw);
  } catch {
    return { userId: null, clientAddress: null };
  }
  let userId: string | null;
  try {
    userId = optionalId(payload, 'user_id');
  } catch {
    userId = null;
  }
  const key = payload.clientAddress;
  return { userId, clientAddress: typeof key === 'string' && key.length > 0 && key.length <= 200 ? key : null };
}
