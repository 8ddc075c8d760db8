import type { UserPrincipal } from '../principal/principal.js';

/** Who calls a route that requires being logged in: the account's user, as a principal of the talker app. */
export interface TalkerCaller { readonly userId: string; readonly principal: UserPrincipal; readonly sessionKey: string }

export interface TalkerContext {
  /** Set when the route requires login and the caller proved it (socket: the session of this socket AND matching user_id; HTTP: user_id + clientAddress). */
  readonly caller: TalkerCaller | null;
  /** The client's network address (for rate limits). */
  readonly address: string;
  /** This API's address as the client reached it (talker-address.ts): the base of media URLs in answers. */
  readonly base: string;
  /** The socket, when the call came over /talker (null over HTTP). Typed loosely on purpose. */
  readonly socket: { readonly id: string } | null;
}

/** A failure a client sees: the `error` event's code on the socket; `status` and JSON `{error: code, message}` over HTTP. */
export class TalkerError extends Error {
  constructor(readonly code: string, readonly status: number, message?: string) {
    super(message ?? code);
    this.name = 'TalkerError';
  }
}

export interface TalkerRoute<P = unknown, R = unknown> {
  /** '/contacts', '/register/confirm', 'messeage', ... exactly the seed's name. */
  readonly name: string;
  /** 'both': a slash route, served over HTTP (GET query / POST JSON under /talker) and as a socket event answered with an event of the same name (+ ack when given). 'socket': a socket-only event. */
  readonly serve: 'both' | 'socket';
  /** Requires being logged in: needs user_id (+ clientAddress over HTTP and for slash routes; on a socket event the socket's own session). A wrong pair: `auth false` on the socket, 401 over HTTP. */
  readonly auth: boolean;
  /** Validates the raw payload; throws TalkerError (e.g. code 'BAD_REQUEST' 400) on bad input. Query-string values arrive as strings: accept numeric strings for ints. */
  readonly parse: (raw: unknown) => P;
  /** Runs it. Its result is the answer (event payload / ack / HTTP JSON); `undefined` for socket events that answer only through server events. */
  readonly handle: (params: P, ctx: TalkerContext) => Promise<R>;
}

/** Nest multi-provider token: each module contributes its routes as an array provider under it... */
export const TALKER_ROUTES = 'TALKER_ROUTES';
