import { IoAdapter } from '@nestjs/platform-socket.io';

export const LEGACY_SOCKET_PATH = '/socket.io';

// Typed from IoAdapter itself: @nestjs/platform-socket.io pins its own socket.io (4.8.3) beside ours.
type IoServerOptions = NonNullable<Parameters<IoAdapter['createIOServer']>[1]>;
type IoServer = ReturnType<IoAdapter['createIOServer']>;

/**
 * Socket.IO as old chatbox pages expect it (SPEC, "The legacy Socket.IO protocol"): the default
 * path, Engine.IO 3 clients (socket.io-client 1.x/2.x) accepted, CORS open. destroyUpgrade is
 * off so WebSocket upgrades for other paths (graphql-ws on /graphql) are left to their owners.
 */
export class LegacyIoAdapter extends IoAdapter {
  override createIOServer(port: number, options?: IoServerOptions): IoServer {
    return super.createIOServer(port, {
      ...options,
      path: LEGACY_SOCKET_PATH,
      allowEIO3: true,
      cors: { origin: true, credentials: false },
      destroyUpgrade: false,
    } as IoServerOptions);
  }
}
