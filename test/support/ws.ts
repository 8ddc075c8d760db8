import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { waitFor } from './wait.js';

/** A real graphql-ws client against the test app; retries off so failures surface. */
export function gqlWsClient(url: string, connectionParams: Record<string, unknown> | undefined): Client {
  return createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
  });
}

/** Resolves with the close code once the server closes the connection. */
export function closeCodeOf(client: Client): Promise<number> {
  return new Promise((resolve) => client.on('closed', (event) => resolve((event as { code: number }).code)));
}

/** Resolves once the server acknowledged the connection. */
export function connected(client: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    client.on('connected', () => resolve());
    client.on('closed', (event) => reject(new Error(`closed with ${(event as { code: number }).code}`)));
  });
}

/** A live subscription read as a queue: next() waits for the next payload (bounded by a timeout). */
export interface LiveQueue<T = any> {
  next(timeoutMs?: number): Promise<T>;
  /** Resolves once the server completed the subscription. */
  completed(): Promise<void>;
  received: T[];
  /** Marks everything received so far as read. */
  skipAll(): void;
  /** How many received payloads were not read yet (with a later marker read: proof nothing came before it). */
  unread(): number;
  stop(): void;
}

/**
 * Waits until every subscription is live on the server: sends probes until each queue saw one, then
 * a last probe as a fence: once every queue has it, no earlier probe is still on its way (a live
 * subscription's events arrive in order), and what the queues received is marked as read.
 * `probe(tag)` must cause an event on every queue whose payload carries `tag` as a string value;
 * when a probe can not carry the tag (e.g. a membership change), it returns the string it carries.
 * Resolves with the tags of every probe sent, in order (for a history that holds them too).
 */
export async function untilLive(queues: readonly LiveQueue[], probe: (tag: string) => Promise<unknown>, timeoutMs = 10_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  const sent: string[] = [];
  const send = async () => {
    const tag = `probe-${sent.length + 1}-${Math.random().toString(36).slice(2, 8)}`;
    sent.push(tag);
    const answer = await probe(tag);
    return typeof answer === 'string' ? answer : tag;
  };
  const carries = (payload: unknown, marker: string) => JSON.stringify(payload).includes(JSON.stringify(marker));
  for (let patience = 100; ; patience = Math.min(patience * 2, 1000)) { // few probes, for rate limits
    const marker = await send();
    const seen = await waitFor('', () => queues.every((q) => q.received.length > 0), Boolean, patience).then(() => true, () => false);
    if (seen) break;
    if (Date.now() > deadline) throw new Error(`subscriptions did not go live within ${timeoutMs} ms (${sent.length} probes, last ${marker})`);
  }
  const fence = await send();
  await waitFor(`the fence probe ${fence} on every subscription`, () => queues.every((q) => q.received.some((p) => carries(p, fence))), Boolean, timeoutMs);
  for (const q of queues) q.skipAll();
  return sent;
}

export function liveQueue<T = any>(client: Client, query: string, variables: Record<string, unknown> = {}): LiveQueue<T> {
  const received: T[] = [];
  const waiters: ((value: T) => void)[] = [];
  let readIndex = 0;
  let done = false;
  let onDone: (() => void) | null = null;
  const stop = client.subscribe<T>({ query, variables }, {
    next: (value) => {
      received.push(value as T);
      const waiter = waiters.shift();
      if (waiter) { readIndex++; waiter(value as T); }
    },
    error: (error) => {
      received.push({ errors: Array.isArray(error) ? error : [error] } as T);
      const waiter = waiters.shift();
      if (waiter) { readIndex++; waiter(received[received.length - 1]); }
    },
    complete: () => { done = true; onDone?.(); },
  });
  return {
    received,
    next(timeoutMs = 5000) {
      if (readIndex < received.length) return Promise.resolve(received[readIndex++]);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), timeoutMs);
        waiters.push((value) => { clearTimeout(timer); resolve(value); });
      });
    },
    skipAll() { readIndex = received.length; },
    unread: () => received.length - readIndex,
    completed: () => (done ? Promise.resolve() : new Promise<void>((resolve) => (onDone = resolve))),
    stop,
  };
}
