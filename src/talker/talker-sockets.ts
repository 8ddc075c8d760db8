import { Injectable } from '@nestjs/common';
import type { Socket } from 'socket.io';

/** The logged-in /talker sockets of this instance, by account (the gateway keeps it on login, logout and disconnect). */
@Injectable()
export class TalkerSockets {
  private readonly byUser = new Map<string, Set<Socket>>();

  /** The open, logged-in talker sockets of the user on this instance. */
  ofUser(appId: string, userId: string): Socket[] {
    return [...(this.byUser.get(`${appId}:${userId}`) ?? [])];
  }

  /** @internal gateway */
  add(appId: string, userId: string, socket: Socket): void {
    const key = `${appId}:${userId}`;
    const set = this.byUser.get(key) ?? new Set<Socket>();
    this.byUser.set(key, set.add(socket));
  }

  /** @internal gateway */
  remove(appId: string, userId: string, socket: Socket): void {
    const key = `${appId}:${userId}`;
    const set = this.byUser.get(key);
    set?.delete(socket);
    if (set?.size === 0) this.byUser.delete(key);
  }
}
