import { INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';
import { createAdapter } from '@socket.io/redis-adapter';
import { RedisConnections } from '../realtime/redis-connections.js';

export const LEGACY_SOCKET_PATH = '/socket.io';

// Typed from IoAdapter itself: @nestjs/platform-socket.io pins its own socket.io (4.8.3) beside ours.
type IoServerOptions = NonNullable<Parameters<IoAdapter['createIOServer']>[1]>;
type IoServer = ReturnType<IoAdapter['createIOServer']>;
type IoSocket = Parameters<IoAdapter['bindMessageHandlers']>[0];

/**
 * Socket.IO as old chatbox pages expect it (SPEC, "The legacy Socket.IO protocol"): the default
 * path, Engine.IO 3 clients (socket.io-client 1.x/2.x) accepted, CORS open to every origin with
 * credentials (the apps' allowedOrigins are judged at auth, LegacyChatService). destroyUpgrade is
 * off so WebSocket upgrades for other paths (graphql-ws on /graphql) are left to their owners.
 *
 * With REDIS_URL, the official Redis adapter joins the instances' Socket.IO servers, so that
 * server-wide operations (fetchSockets, socketsJoin/socketsLeave, disconnectSockets,
 * serverSideEmit) reach every instance's sockets. Domain events do not travel through it: the
 * event bus brings each event to every instance once, and the legacy bridge emits it with
 * `.local` to that instance's sockets, so each socket gets it exactly once.
 */
export class LegacyIoAdapter extends IoAdapter {
  private readonly log = new Logger('LegacyIoAdapter');

  constructor(private readonly app: INestApplicationContext) {
    super(app);
  }

  /**
   * Each event goes to its handler through one plain listener. Nest's default builds RxJS
   * streams per event per socket for the socket's whole life, which weighs at thousands of idle
   * sockets; here an Observable lives only while one event is handled. Same behaviour: a
   * handler's non-empty result is acked (or emitted when it names an event), errors are logged.
   */
  override bindMessageHandlers(socket: IoSocket, handlers: MessageMappingProperties[], transform: (data: unknown) => Observable<unknown>): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message as string, (...args: unknown[]) => {
        const { data, ack } = this.mapPayload(args.length === 0 ? undefined : args.length === 1 ? args[0] : args);
        let response$: Observable<unknown>;
        try {
          response$ = transform(callback(data, ack));
        } catch (error) {
          this.log.error(error);
          return;
        }
        response$.subscribe({
          next: (response) => {
            if (response === null || response === undefined) return;
            const named = response as { event?: string; data?: unknown };
            if (named.event) socket.emit(named.event, named.data);
            else if (!isAckHandledManually && typeof ack === 'function') (ack as (value: unknown) => void)(response);
          },
          error: (error: unknown) => this.log.error(error),
        });
      });
    }
  }

  override createIOServer(port: number, options?: IoServerOptions): IoServer {
    const server = super.createIOServer(port, {
      ...options,
      path: LEGACY_SOCKET_PATH,
      allowEIO3: true,
      // Old clients (1.x, 2.x) send their cross-origin long-polling requests with credentials, so
      // the answer must allow them, and then name the origin (never "*"): the request's origin is
      // reflected. No app is known yet at the handshake; an app's allowedOrigins is judged at auth.
      // Nothing rides on cookies here (auth is the hashed_token in the payload), so allowing
      // credentials hands a foreign page no ambient authority.
      cors: { origin: true, credentials: true },
      // JSONP polling (`j=` in the query, 1.x/2.x clients' fallback or forceJSONP) loads as a
      // <script>, which sends no Origin, so an app's allowedOrigins could not judge it: refused
      // with a message. Every browser the old clients support has XHR, which they prefer.
      allowRequest: (req: { url?: string }, answer: (error: string | null, allowed: boolean) => void) =>
        isJsonp(req.url) ? answer('JSONP polling is not served: connect with XHR polling or websocket', false) : answer(null, true),
      destroyUpgrade: false,
      // One frame may carry a talker file message: a data URI of up to 8 MiB decoded (talker/data-uri.ts) is
      // about 11.2 MB of base64. Engine.IO's default (1 MB) would drop the socket instead of answering TOO_LARGE.
      maxHttpBufferSize: 12 * 1024 * 1024,
    } as IoServerOptions);
    const redis = this.app.get(RedisConnections);
    if (redis.enabled) {
      // Its own key prefix per deployment, like the bus; a subscriber connection of its own.
      server.adapter(createAdapter(redis.command(), redis.open('socket.io-subscriber'), { key: `${redis.namespace}:socket.io` }));
    }
    return server;
  }
}

/** Whether an Engine.IO request asks for JSONP polling (its `j` query parameter). */
export function isJsonp(url: string | undefined): boolean {
  return new URL(url ?? '/', 'http://localhost').searchParams.has('j');
}
