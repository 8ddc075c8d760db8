import type { Client } from 'graphql-ws';
import type { LegacyClient } from './legacy.js';

/** How a graphql-ws connection was closed by the server, and when (Date.now()). */
export interface WsClose { code: number; reason: string; at: number }

/** How the server ended a legacy socket: the client_error it sent last, then the disconnect, and when. */
export interface LegacyEnd { message: string | null; reason: string; at: number }

/** Resolves once the server closes the connection. */
export function wsClosed(client: Client): Promise<WsClose> {
  return new Promise((resolve) => client.on('closed', (event) => {
    const { code, reason } = event as { code: number; reason: string };
    resolve({ code, reason: String(reason), at: Date.now() });
  }));
}

/** Resolves once the server disconnects the socket, with the client_error it sent before. */
export function legacyEnded(socket: LegacyClient): Promise<LegacyEnd> {
  return new Promise((resolve) => socket.raw.on('disconnect', (reason: string) => {
    const errors = socket.received.client_error;
    resolve({ message: errors.length > 0 ? String(errors[errors.length - 1]) : null, reason, at: Date.now() });
  }));
}

/**
 * Close times measured by the e2e tests (README, "Open sockets"). With CHAT_TEST_TIMINGS=1 each
 * suite prints them once, one line per case: `ms` from the reference point (the mutation's
 * answer, or the token's expiry) to the close event the client saw.
 */
export class CloseTimings {
  private readonly rows: string[] = [];

  constructor(private readonly suite: string) {}

  record(what: string, ms: number): number {
    this.rows.push(`${what}: ${ms} ms`);
    return ms;
  }

  print(): void {
    if (process.env.CHAT_TEST_TIMINGS === '1' && this.rows.length > 0) process.stderr.write(`close times (${this.suite})\n  ${this.rows.join('\n  ')}\n`);
  }
}
