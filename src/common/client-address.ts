import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/** Whether the hop at `index` (0 = the socket's peer) with this address is a proxy we put there. */
export type TrustProxy = (address: string, index: number) => boolean;

/**
 * TRUST_PROXY as Express compiles its `trust proxy` setting: a number trusts that many hops
 * nearest the server (0: none), a list trusts those addresses and subnets (proxy-addr's names
 * `loopback`, `linklocal`, `uniquelocal` included). Express's `trust proxy` is set to what this
 * returns (server.ts) and the talker gateway compiles the same setting with it, so an HTTP
 * request's `req.ip` and a socket's address (clientAddressOf) are read alike.
 */
export function compileTrust(setting: number | readonly string[]): TrustProxy {
  if (typeof setting === 'number') return (_address, index) => index < setting;
  return proxyaddr.compile([...setting]);
}

/**
 * The client's address: the socket's peer, or, when that peer is a trusted proxy, the nearest
 * address in X-Forwarded-For that is not one (so a client cannot name itself past the proxies).
 */
export const clientAddressOf = (request: IncomingMessage, trust: TrustProxy): string =>
  proxyaddr(request, trust) || 'unknown';
