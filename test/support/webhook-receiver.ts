import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** What the receiver does with one request: answer a status (with a body), close the socket, or never answer. */
export type Behaviour = number | { status: number; body: string } | 'close' | 'hang';

export interface Received {
  id: string;
  body: { type: string; timestamp: string; data: any };
  headers: Record<string, string>;
}

/** A real HTTP receiver of webhooks; `plan` decides each request's fate in turn (then `otherwise`). */
export class WebhookReceiver {
  readonly received: Received[] = [];
  readonly attempts: string[] = [];
  secret: string | null = null;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  url = '';

  constructor(private plan: Behaviour[] = [], private otherwise: Behaviour = 204) {}

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => { this.sockets.add(socket); socket.on('close', () => this.sockets.delete(socket)); });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** Ids delivered (2xx answered) with a valid signature. */
  ids(): string[] {
    return this.received.map((r) => r.id);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const headers = req.headers as Record<string, string>;
    this.attempts.push(headers['webhook-id']);
    const behaviour = this.plan.length > 0 ? this.plan.shift()! : this.otherwise;
    if (behaviour === 'close') return req.socket.destroy();
    if (behaviour === 'hang') return;
    if (typeof behaviour === 'object') return res.writeHead(behaviour.status).end(behaviour.body);
    if (behaviour >= 200 && behaviour < 300) {
      // Verified as any Standard Webhooks receiver would: throws on a bad signature or a stale timestamp.
      const body = new Webhook(this.secret!).verify(raw, headers) as Received['body'];
      this.received.push({ id: headers['webhook-id'], body, headers });
    }
    res.writeHead(behaviour).end();
  }
}
