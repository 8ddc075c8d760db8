import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a path answers: a body and its content type. */
export interface ServedFile {
  type: string;
  body: string | Buffer;
}

/**
 * A site of its own: a tiny HTTP server on 127.0.0.1 and a free port, so another origin than the
 * chat server's (a different port is a different origin). It serves the files a test puts in
 * `files`, by exact path; anything else is a 404. No CORS, no CSP: a plain game site.
 */
export interface PageServer {
  origin: string;
  files: Map<string, ServedFile>;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  const files = new Map<string, ServedFile>();
  const server: Server = createServer((req, res) => {
    const file = files.get(new URL(req.url ?? '/', 'http://page.test').pathname);
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    files,
    close: () => new Promise((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}
