import { Injectable } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { TalkerAccountsService, TalkerIdentity } from '../accounts/talker-accounts.service.js';
import { OpenSession, OpenSessions } from '../auth/open-sessions.js';
import type { UserPrincipal } from '../principal/principal.js';
import { TalkerSockets } from './talker-sockets.js';

/** What a logged-in socket is. */
interface SocketLogin {
  userId: string;
  sessionKey: string;
  session: OpenSession<UserPrincipal>;
}

/**
 * The login state of /talker sockets: which account each socket is logged in as, watched by
 * OpenSessions for the life of the socket (the user deleted: the socket gets `error`
 * NOT_LOGGED_IN and is disconnected), and TalkerSockets kept in step.
 */
@Injectable()
export class TalkerLogins {
  /** Not on socket.data: the Redis adapter's fetchSockets sends socket.data to other instances. */
  private readonly bySocket = new WeakMap<Socket, SocketLogin>();

  constructor(private readonly accounts: TalkerAccountsService, private readonly openSessions: OpenSessions, private readonly sockets: TalkerSockets) {}

  async login(socket: Socket, input: { login: string; hash: string }, address: string): Promise<TalkerIdentity | null> {
    const ticket = this.openSessions.begin();
    const identity = await this.accounts.login(input, address);
    if (!socket.connected) return null;
    this.forget(socket);
    const { principal, sessionKey } = identity;
    const session = this.openSessions.open(ticket, {
      principal,
      verify: () => this.accounts.recheck(principal, sessionKey),
      close: () => {
        this.drop(socket);
        socket.emit('error', 'NOT_LOGGED_IN');
        socket.disconnect(true);
      },
    });
    if (session.ended) return null;
    this.bySocket.set(socket, { userId: identity.userId, sessionKey, session });
    this.sockets.add(principal.scope.appId, identity.userId, socket);
    return identity;
  }

  /** Ends the socket's session (the database row too); false when it was not logged in. */
  async logout(socket: Socket): Promise<boolean> {
    const login = this.bySocket.get(socket);
    if (!login) return false;
    this.forget(socket);
    await this.accounts.logout(login.sessionKey);
    return true;
  }

  /** The socket's account as of now, or null (not logged in, or its session just ended). */
  async current(socket: Socket): Promise<{ userId: string; sessionKey: string; principal: UserPrincipal } | null> {
    const login = this.bySocket.get(socket);
    if (!login) return null;
    const principal = await login.session.current();
    return principal ? { userId: login.userId, sessionKey: login.sessionKey, principal } : null;
  }

  isLoggedIn(socket: Socket): boolean {
    return this.bySocket.has(socket);
  }

  /** The socket closed: stop watching it (its session stays: the clientAddress still works over HTTP until logout). */
  forget(socket: Socket): void {
    const login = this.bySocket.get(socket);
    if (!login) return;
    login.session.forget();
    this.drop(socket);
  }

  private drop(socket: Socket): void {
    const login = this.bySocket.get(socket);
    if (!login) return;
    this.bySocket.delete(socket);
    this.sockets.remove(login.session.principal.scope.appId, login.userId, socket);
  }
}
