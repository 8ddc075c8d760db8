import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { socketAddress } from './talker-address.js';
import { TalkerApp } from './talker-app.js';
import { TalkerPeerSocket, TalkerSocketDirectory } from './talker-event.bridge.js';
import { TalkerLogins } from './talker-logins.js';
import { TalkerSockets } from './talker-sockets.js';

/** The bridge's view of the gateway's logged-in sockets (TalkerSockets) and their sessions (TalkerLogins). */
@Injectable()
export class GatewaySocketDirectory extends TalkerSocketDirectory {
  constructor(private readonly sockets: TalkerSockets, private readonly logins: TalkerLogins, private readonly app: TalkerApp, private readonly config: AppConfig) {
    super();
  }

  hasAny(appId: string): boolean {
    return this.app.appId === appId;
  }

  ofUser(appId: string, userId: string): readonly TalkerPeerSocket[] {
    return this.sockets.ofUser(appId, userId).map((socket) => ({
      address: socketAddress(socket, this.config.media.publicUrl),
      emit: (event: string, payload: unknown) => { socket.emit(event, payload); },
      principal: async () => (await this.logins.current(socket))?.principal ?? null,
    }));
  }
}
