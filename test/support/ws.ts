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
