import { Inject } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, WebSocketGateway } from '@nestjs/websockets';
import type { Logger } from 'pino';
import type { Socket } from 'socket.io';
import { LOGGER } from '../common/logging/logging.module.js';
import { clientAddressOf, compileTrust, TrustProxy } from '../common/client-address.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { socketAddress } from './talker-address.js';
import { INTERNAL, notLoggedIn, toTalkerError } from './talker-errors.js';
import { TalkerDispatcher } from './talker-dispatcher.js';
import { TalkerLogins } from './talker-logins.js';
import { payloadObject, requiredString, wireId } from './talker-params.js';
import { TalkerError, TalkerRoute } from './talker-route.js';
import { TalkerRoutes } from './talker-routes.js';

export const TALKER_NAMESPACE = '/talker';
/** Longest login (username or email) and hash accepted. */
export const MAX_LOGIN = 320;
export const MAX_HASH = 1024;

type Ack = (...args: unknown[]) => void;

/**
 * The talker Socket.IO namespace (same port and path as the legacy one). On connect it emits
 * `address`; `login` (or handshake `auth: {login, hash}`) answers `login {id, clientAddress}`;
 * `logout` ends that session; every registered route is an event of its name, answered with an
 * event of that name (slash routes) and the ack when given; failures emit `error` with the code.
 */
@WebSocketGateway({ namespace: TALKER_NAMESPACE })
export class TalkerGateway implements OnGatewayConnection<Socket>, OnGatewayDisconnect<Socket> {
  constructor(
    private readonly routes: TalkerRoutes,
    private readonly dispatcher: TalkerDispatcher,
    private readonly logins: TalkerLogins,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    this.trust = compileTrust(config.trustProxy);
  }

  /** Which hops before this server are proxies of ours (TRUST_PROXY). */
  private readonly trust: TrustProxy;

  /** The client's network address, for login limits: past the proxies TRUST_PROXY names, as HTTP's req.ip. */
  private addressOf(socket: Socket): string {
    return clientAddressOf(socket.request, this.trust);
  }

  async handleConnection(socket: Socket): Promise<void> {
    this.metrics.connections.inc({ transport: 'talker' });
    socket.on('login', (...args: unknown[]) => void this.onLogin(socket, ...split(args)));
    socket.on('logout', (...args: unknown[]) => void this.onLogout(socket, split(args)[1]));
    for (const route of this.routes.all()) {
      socket.on(route.name, (...args: unknown[]) => void this.onRoute(socket, route, ...split(args)));
    }
    socket.emit('address', socketAddress(socket, this.config.media.publicUrl));
    const auth = socket.handshake.auth as Record<string, unknown> | undefined;
    if (auth && (auth.login !== undefined || auth.hash !== undefined)) await this.onLogin(socket, auth, undefined);
  }

  handleDisconnect(socket: Socket): void {
    this.metrics.connections.dec({ transport: 'talker' });
    this.logins.forget(socket);
  }

  private async onLogin(socket: Socket, raw: unknown, ack: Ack | undefined): Promise<void> {
    try {
      const payload = payloadObject(raw);
      const input = { login: requiredString(payload, 'login', MAX_LOGIN), hash: requiredString(payload, 'hash', MAX_HASH) };
      const identity = await this.logins.login(socket, input, this.addressOf(socket));
      if (!identity) return;
      const answer = { id: wireId(identity.userId), clientAddress: identity.sessionKey };
      socket.emit('login', answer);
      ack?.(answer);
    } catch (error) {
      this.fail(socket, ack, 'login', error);
    }
  }

  private async onLogout(socket: Socket, ack: Ack | undefined): Promise<void> {
    try {
      if (!(await this.logins.logout(socket))) throw notLoggedIn('Not logged in');
      ack?.(true);
    } catch (error) {
      this.fail(socket, ack, 'logout', error);
    }
  }

  private async onRoute(socket: Socket, route: TalkerRoute, raw: unknown, ack: Ack | undefined): Promise<void> {
    const outcome = await this.dispatcher.overSocket(route, raw, socket, this.addressOf(socket), socketAddress(socket, this.config.media.publicUrl));
    if (!socket.connected) return;
    if (!outcome.ok) return this.answerError(socket, ack, outcome.error);
    if (outcome.result === undefined) {
      ack?.();
      return;
    }
    if (route.serve === 'both') socket.emit(route.name, outcome.result);
    ack?.(outcome.result);
  }

  private fail(socket: Socket, ack: Ack | undefined, name: string, error: unknown): void {
    const known = toTalkerError(error);
    if (!known) this.log.error({ err: error, event: name }, 'talker event failed');
    this.answerError(socket, ack, known ?? INTERNAL());
  }

  private answerError(socket: Socket, ack: Ack | undefined, error: TalkerError): void {
    socket.emit('error', error.code);
    ack?.({ error: error.code, message: error.message });
  }
}

/** An event's arguments: the payload (the first one that is not the ack) and the ack, when the client passed one. */
function split(args: unknown[]): [unknown, Ack | undefined] {
  const last = args[args.length - 1];
  const ack = typeof last === 'function' ? (last as Ack) : undefined;
  const payload = typeof args[0] === 'function' ? undefined : args[0];
  return [payload, ack];
}
