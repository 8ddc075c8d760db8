import { io as ioV4 } from 'socket.io-client';
import ioV2 from 'socket.io-client-v2';
import { LegacyChatGateway } from '../../src/legacy/legacy-chat.gateway.js';
import type { TestApp } from './app.js';

/** Every event the legacy server sends, recorded per name. */
const SERVER_EVENTS = ['new_message', 'user_joined', 'user_left', 'user_muted', 'user_unmuted', 'client_error', 'system_message'] as const;
export type LegacyServerEvent = (typeof SERVER_EVENTS)[number];

/** The part of a Socket.IO client (4.x or 2.x) the tests drive. */
interface RawSocket {
  connected: boolean;
  on(event: string, listener: (...args: any[]) => void): unknown;
  emit(event: string, ...args: any[]): unknown;
  close(): unknown;
}

/** A real legacy client read as queues: next('new_message') waits for the next one not yet read. */
export interface LegacyClient {
  raw: RawSocket;
  /** Everything received so far, per event. */
  received: Record<LegacyServerEvent, any[]>;
  next<T = any>(event: LegacyServerEvent, timeoutMs?: number): Promise<T>;
  /** How many events of this name arrived and were not read yet (with a later marker read: proof nothing came before it). */
  unread(event: LegacyServerEvent): number;
  /** Emits with an ack callback; resolves with the ack's arguments. */
  request(event: string, ...args: unknown[]): Promise<unknown[]>;
  /** auth with the protocol's (err, data) ack. */
  auth(payload: unknown): Promise<[unknown, any]>;
  /** Resolves once the server closed the connection. */
  disconnected(timeoutMs?: number): Promise<string>;
  close(): void;
}

export interface LegacyOptions {
  /** Which client: the current socket.io-client 4, or 2.x as old chatbox pages used. */
  client?: 4 | 2;
  transport?: 'websocket' | 'polling';
  /** Sent with the handshake, e.g. the Origin header a browser page would send. */
  headers?: Record<string, string>;
}

export async function legacySocket(url: string, options: LegacyOptions = {}): Promise<LegacyClient> {
  const transports = [options.transport ?? 'websocket'];
  const extraHeaders = options.headers ?? {};
  const raw: RawSocket = options.client === 2
    ? ioV2(url, { transports, forceNew: true, reconnection: false, extraHeaders })
    : ioV4(url, { transports, forceNew: true, reconnection: false, extraHeaders });
  const received = Object.fromEntries(SERVER_EVENTS.map((e) => [e, [] as any[]])) as Record<LegacyServerEvent, any[]>;
  const readIndex = Object.fromEntries(SERVER_EVENTS.map((e) => [e, 0])) as Record<LegacyServerEvent, number>;
  const waiters = new Map<LegacyServerEvent, ((value: any) => void)[]>();
  for (const event of SERVER_EVENTS) {
    raw.on(event, (payload: unknown) => {
      received[event].push(payload);
      const waiter = waiters.get(event)?.shift();
      if (waiter) { readIndex[event]++; waiter(payload); }
    });
  }
  let closedReason: string | null = null;
  const onClosed: ((reason: string) => void)[] = [];
  raw.on('disconnect', (reason: string) => { closedReason = reason; for (const f of onClosed.splice(0)) f(reason); });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('legacy socket did not connect')), 5000);
    raw.on('connect', () => { clearTimeout(timer); resolve(); });
    raw.on('connect_error', (error: Error) => { clearTimeout(timer); reject(error); });
  });
  const client: LegacyClient = {
    raw,
    received,
    next(event, timeoutMs = 5000) {
      if (readIndex[event] < received[event].length) return Promise.resolve(received[event][readIndex[event]++]);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
        const list = waiters.get(event) ?? [];
        waiters.set(event, list);
        list.push((value) => { clearTimeout(timer); resolve(value); });
      });
    },
    unread: (event) => received[event].length - readIndex[event],
    request(event, ...args) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ack for ${event} within 5000 ms`)), 5000);
        raw.emit(event, ...args, (...answer: unknown[]) => { clearTimeout(timer); resolve(answer); });
      });
    },
    async auth(payload) {
      const [err, data] = await client.request('auth', payload);
      return [err, data];
    },
    disconnected(timeoutMs = 5000) {
      if (closedReason !== null) return Promise.resolve(closedReason);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('socket still connected')), timeoutMs);
        onClosed.push((reason) => { clearTimeout(timer); resolve(reason); });
      });
    },
    close: () => { raw.close(); },
  };
  return client;
}

/** A socket already through auth (as a user when hashedToken is given). */
export async function authedSocket(url: string, appId: string, hashedToken?: string, options: LegacyOptions = {}) {
  const socket = await legacySocket(url, options);
  const [err, data] = await socket.auth({ app_id: Number(appId), hashed_token: hashedToken });
  if (err) throw new Error(`auth failed: ${String(err)}`);
  return { socket, data };
}

/**
 * How many of this instance's sockets are in a Socket.IO room (e.g. `userChannel(appId, userId)`).
 * A socket leaves its rooms in the same step as its disconnect handler starts, so waiting for the
 * count to drop is waiting for the server to have taken in a close the client made.
 */
export async function socketsIn(instance: TestApp, channel: string): Promise<number> {
  return (await instance.server.app.get(LegacyChatGateway).server.local.in(channel).fetchSockets()).length;
}
