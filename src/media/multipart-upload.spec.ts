import { once } from 'node:events';
import { createServer, IncomingMessage, request, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { receiveOne } from './multipart-upload.js';

describe('receiveOne', () => {
  let server: Server;
  let arrived: Promise<IncomingMessage>;
  beforeEach(async () => {
    arrived = new Promise((resolve) => {
      server = createServer((req) => resolve(req));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });
  afterEach(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  it('rejects (never hangs) a request whose client went away before the body was read', async () => {
    const client = request(`http://127.0.0.1:${(server.address() as AddressInfo).port}/media`, {
      method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=b', 'content-length': '100000' },
    });
    client.on('error', () => undefined);
    client.write('--b\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n\r\nxx');
    const req = await arrived;
    // As if the controller were still awaiting the app's settings: the client aborts, and the request's `close` passes unheard.
    client.destroy();
    await new Promise((resolve) => req.once('close', resolve)); // not events.once: its error listener would change how the request fails
    let handled = false;
    const answer = receiveOne(req, async () => {
      handled = true;
      throw new Error('not reached');
    }, async () => undefined);
    await expect(answer).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/stopped before the end/) });
    expect(handled).toBe(false);
  });
});
