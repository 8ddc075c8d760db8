import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

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
  /** Resolves true if nothing arrives within the time (for "goes quiet" checks). */
  quiet(ms: number): Promise<boolean>;
  /** Resolves once the server completed the subscription. */
  completed(): Promise<void>;
  received: T[];
  /** Marks everything received so far as read. */
  skipAll(): void;
  stop(): void;
}

/**
 * Waits until every subscription is live on the server: sends probes until each queue saw one,
 * then marks what they received as read. Sturdier than sleeping on a busy machine.
 */
export async function untilLive(queues: readonly LiveQueue[], probe: () => Promise<unknown>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (queues.some((q) => q.received.length === 0)) {
    if (Date.now() > deadline) throw new Error('subscriptions did not go live');
    await probe();
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 100));
  for (const q of queues) q.skipAll();
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
    async quiet(ms) {
      const before = received.length;
      await new Promise((r) => setTimeout(r, ms));
      return received.length === before;
    },
    skipAll() { readIndex = received.length; },
    completed: () => (done ? Promise.resolve() : new Promise<void>((resolve) => (onDone = resolve))),
    stop,
  };
}
