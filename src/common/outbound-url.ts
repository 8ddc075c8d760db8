import { isIP } from 'node:net';
import type { HttpAdapterHost } from '@nestjs/core';

/** Where this server listens and how the public reaches it: a URL it calls must not point back at it. */
export interface SelfAddress {
  /** The port it listens on (all interfaces), when known. */
  port: number | null;
  /** PUBLIC_URL, if set. */
  publicUrl: string | null;
}

/** This server as the URLs it calls must not reach it: the port it listens on (null before it listens) and PUBLIC_URL. */
export function selfAddressOf(http: HttpAdapterHost, publicUrl: string | null): SelfAddress {
  const address: unknown = http.httpAdapter?.getHttpServer()?.address?.();
  const port = address && typeof address === 'object' && 'port' in address ? Number(address.port) : null;
  return { port, publicUrl };
}

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);

/** Loopback or "this host" addresses and names: 127/8, ::1, 0.0.0.0, ::, localhost and *.localhost. */
export function isLocalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (LOOPBACK_NAMES.has(host) || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.') || host === '0.0.0.0';
  if (isIP(host) === 6) return host === '::1' || host === '::' || /^::ffff:127\./.test(host) || host === '::ffff:7f00:1';
  return false;
}

export const portOf = (url: URL) => Number(url.port || (url.protocol === 'https:' ? 443 : 80));

/**
 * The one judge of a URL an app backend wants this server to call (webhook endpoints, the
 * pre-send hook): an absolute http(s) URL with a host, no user name or password, and not this
 * server itself — PUBLIC_URL's host and port, or a loopback/unspecified host on the port this
 * instance listens on (other ports of this machine are fine: a receiver may run beside it).
 * No DNS lookup: the URL (normalized, fragment dropped), or why it is refused.
 */
export function judgeOutboundUrl(raw: string, self: SelfAddress): { url: URL } | { refused: string } {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { refused: `${JSON.stringify(raw)} is not a URL; write http(s)://host[:port]/path` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { refused: `only http and https URLs are called, not ${url.protocol}` };
  if (!url.hostname) return { refused: 'the URL has no host' };
  if (url.username || url.password) return { refused: 'the URL must not carry a user name or password' };
  url.hash = '';
  if (self.publicUrl) {
    const pub = new URL(self.publicUrl);
    if (pub.hostname.toLowerCase() === url.hostname.toLowerCase() && portOf(pub) === portOf(url)) return { refused: `${url.host} is this server itself (PUBLIC_URL)` };
  }
  if (self.port !== null && isLocalHost(url.hostname) && portOf(url) === self.port) return { refused: `${url.host} is this server itself` };
  return { url };
}
