import { io, Socket } from 'socket.io-client';
import { MailService } from '../../../src/mail/mail.service.js';
import type { TestApp } from '../../support/app.js';
import { unique } from '../../support/factories.js';
import { waitFor } from '../../support/wait.js';

/** A logged-in talker account on a socket, with every server event it got, by name. */
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

const post = async (url: string, body: unknown) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() as any };
};

/** Registers (through HTTP), confirms with the id and uuid of the mail this instance kept, and logs in on a socket of `on`. */
export async function talkerPeer(t: TestApp, on: TestApp = t): Promise<TalkerPeer> {
  const username = unique('tk');
  const email = `${username}@example.test`;
  const hash = `h-${username}`;
  const registered = await post(`${t.url}/talker/register`, { email, username, hash });
  if (registered.status !== 200 && registered.status !== 201) throw new Error(`register: ${JSON.stringify(registered)}`);
  const mails = t.server.app.get(MailService);
  const mail = await waitFor(`the mail to ${email}`, () => mails.recent().find((m) => m.to === email));
  const id = mail!.text.match(/id=(\d+)/)![1];
  const uuid = mail!.text.match(/uuid=([0-9a-f-]+)/i)![1];
  await post(`${t.url}/talker/register/confirm`, { id: Number(id), uuid });
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
