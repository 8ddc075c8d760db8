import { createConnection, createServer, Server, Socket } from 'node:net';

/**
 * A TCP relay on loopback between the server and MariaDB or Redis that a test can cut and
 * restore, so the server meets a real outage: cut() drops every open connection and stops
 * listening (new connects are refused: ECONNREFUSED), restore() listens on the same port again.
 */
export interface OutageProxy {
  readonly port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startOutageProxy(target: { host: string; port: number }): Promise<OutageProxy> {
  const open = new Set<Socket>();
  const relay = (client: Socket) => {
    const upstream = createConnection(target);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).on('close', () => client.destroy());
    upstream.pipe(client).on('close', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  };
  let server: Server = createServer(relay);
  const listen = (port: number) => new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
  const stop = () => new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    for (const socket of open) socket.destroy();
  });
  const port = await listen(0);
  return {
    port,
    cut: stop,
    async restore() {
      if (server.listening) return; // already serving: a second server would fail and leave this one unclosed
      server = createServer(relay);
      await listen(port);
    },
    close: stop,
  };
}
