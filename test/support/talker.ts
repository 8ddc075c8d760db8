import { AddressInfo } from 'node:net';
import { io, Socket } from 'socket.io-client';
import { SMTPServer } from 'smtp-server';
import { MailService } from '../../src/mail/mail.service.js';
import type { TestApp } from './app.js';
import { unique } from './factories.js';
import { waitFor } from './wait.js';

/** A socket.io-client 4 socket on /talker that records every server event, read in order with next(). */
export interface TalkerClient {
  raw: Socket;
  /** The next `event` not read yet (waits for it). */
  next(event: string, timeoutMs?: number): Promise<any>;
  /** Emits with an ack and resolves with the ack's first argument. */
  request(event: string, payload?: unknown): Promise<any>;
  /** Events of that name received and not read yet. */
  unread(event: string): number;
  disconnected(timeoutMs?: number): Promise<string>;
  close(): void;
}

export async function talkerSocket(url: string, options: { auth?: Record<string, unknown>; headers?: Record<string, string> } = {}): Promise<TalkerClient> {
  const raw = io(`${url}/talker`, { transports: ['websocket'], forceNew: true, reconnection: false, auth: options.auth, extraHeaders: options.headers });
  const received = new Map<string, any[]>();
  const read = new Map<string, number>();
  const waiters = new Map<string, ((value: any) => void)[]>();
  raw.onAny((event: string, payload: unknown) => {
    const list = received.get(event) ?? [];
    received.set(event, list);
    list.push(payload);
    const waiter = waiters.get(event)?.shift();
    if (waiter) {
      read.set(event, (read.get(event) ?? 0) + 1);
      waiter(payload);
    }
  });
  let closed: string | null = null;
  const onClosed: ((reason: string) => void)[] = [];
  raw.on('disconnect', (reason) => { closed = reason; for (const f of onClosed.splice(0)) f(reason); });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('talker socket did not connect')), 5000);
    raw.on('connect', () => { clearTimeout(timer); resolve(); });
    raw.on('connect_error', (error) => { clearTimeout(timer); reject(error); });
  });
  return {
    raw,
    next(event, timeoutMs = 5000) {
      const list = received.get(event) ?? [];
      const index = read.get(event) ?? 0;
      if (index < list.length) {
        read.set(event, index + 1);
        return Promise.resolve(list[index]);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
        const queue = waiters.get(event) ?? [];
        waiters.set(event, queue);
        queue.push((value) => { clearTimeout(timer); resolve(value); });
      });
    },
    request(event, payload) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ack for ${event} within 5000 ms`)), 5000);
        raw.emit(event, payload, (answer: unknown) => { clearTimeout(timer); resolve(answer); });
      });
    },
    unread: (event) => (received.get(event)?.length ?? 0) - (read.get(event) ?? 0),
    disconnected(timeoutMs = 5000) {
      if (closed !== null) return Promise.resolve(closed);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('talker socket still connected')), timeoutMs);
        onClosed.push((reason) => { clearTimeout(timer); resolve(reason); });
      });
    },
    close: () => { raw.close(); },
  };
}

/** A received mail: envelope recipients and the raw message text. */
export interface ReceivedMail {
  to: string[];
  raw: string;
}

/** A real SMTP server (smtp-server) on a free port; `url` is for SMTP_URL. */
export interface Mailbox {
  url: string;
  mails: ReceivedMail[];
  /** The next mail to this address (waits for it). */
  next(to: string, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export async function startMailbox(): Promise<Mailbox> {
  const mails: ReceivedMail[] = [];
  const seen = new Set<ReceivedMail>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    async next(to, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mail = mails.find((m) => !seen.has(m) && m.to.includes(to.toLowerCase()));
        if (mail) {
          seen.add(mail);
          return mail;
        }
        if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** id and uuid from a confirmation mail as the SMTP server received it (quoted-printable undone). */
export function confirmationOf(mail: ReceivedMail): { id: number; uuid: string } {
  return confirmationIn(mail.raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '='));
}

/** id and uuid from a confirmation mail's text. */
export function confirmationIn(text: string): { id: number; uuid: string } {
  const id = /\bid=(\d+)/.exec(text)?.[1];
  const uuid = /\buuid=([0-9a-f-]{36})/.exec(text)?.[1];
  if (!id || !uuid) throw new Error(`no id/uuid in mail: ${text.slice(0, 500)}`);
  return { id: Number(id), uuid };
}

/** GET /talker<route>?<query> or POST /talker<route> with JSON; the status and the parsed answer. */
export async function talkerHttp(url: string, route: string, payload: Record<string, unknown>, method: 'GET' | 'POST' = 'POST'): Promise<{ status: number; body: any }> {
  const response = method === 'GET'
    ? await fetch(`${url}/talker${route}?${new URLSearchParams(Object.entries(payload).map(([k, v]): [string, string] => [k, String(v)]))}`)
    : await fetch(`${url}/talker${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  return { status: response.status, body: await response.json() };
}

/** A logged-in talker account on a socket, with every server event it got, in order, by name. */
export interface TalkerPeer {
  id: number;
  username: string;
  clientAddress: string;
  socket: Socket;
  got: Array<[string, any]>;
  /** The next `name` event after the first `skip` of them (waits for it). */
  next(name: string, skip?: number): Promise<any>;
  /** Emits and waits for the ack. */
  ask(name: string, payload: unknown): Promise<any>;
}

/**
 * A confirmed talker account logged in on a socket of `on`: registered over HTTP through `t`,
 * confirmed with the id and uuid of the mail `t` kept (MailService.recent(): no SMTP_URL needed).
 */
export async function talkerPeer(t: TestApp, on: TestApp = t): Promise<TalkerPeer> {
  const username = unique('tk');
  const email = `${username}@example.test`;
  const hash = `h-${username}`;
  const registered = await talkerHttp(t.url, '/register', { email, username, hash });
  if (registered.status !== 200) throw new Error(`register: ${JSON.stringify(registered)}`);
  const mails = t.server.app.get(MailService);
  const mail = await waitFor(`the mail to ${email}`, () => mails.recent().find((m) => m.to === email));
  const confirmed = await talkerHttp(t.url, '/register/confirm', confirmationIn(mail!.text));
  if (confirmed.status !== 200) throw new Error(`confirm: ${JSON.stringify(confirmed)}`);
  const socket = io(`${on.url}/talker`, { path: '/socket.io', transports: ['websocket'], auth: { login: username, hash }, reconnection: false });
  const got: Array<[string, any]> = [];
  socket.onAny((name: string, payload: unknown) => got.push([name, payload]));
  const login: any = await waitFor(`${username}'s login`, () => got.find(([name]) => name === 'login')?.[1], Boolean, 10_000);
  return {
    id: login.id, username, clientAddress: login.clientAddress, socket, got,
    next: async (name, skip = 0) => waitFor(`${username}'s ${name} #${skip}`, () => got.filter(([n]) => n === name)[skip]?.[1], (v) => v !== undefined, 10_000),
    ask: (name, payload) => socket.timeout(10_000).emitWithAck(name, payload),
  };
}
