import { isIP } from 'node:net';

/** Where this server listens and how the public reaches it: a webhook must not point back at it. */
export interface SelfAddress {
  /** The port it listens on (all interfaces). */
  port: number | null;
  /** PUBLIC_URL, if set. */
  publicUrl: string | null;
}

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);

/** Loopback or "this host" addresses: 127/8, ::1, 0.0.0.0, ::, and the localhost names. */
function isLocalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (LOOPBACK_NAMES.has(host) || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.') || host === '0.0.0.0';
  if (isIP(host) === 6) return host === '::1' || host === '::' || /^::ffff:127\./.test(host) || host === '::ffff:7f00:1';
  return false;
}

const portOf = (url: URL) => Number(url.port || (url.protocol === 'https:' ? 443 : 80));

/**
 * Why this URL cannot be a webhook endpoint, or null when it can. "This server itself" is judged
 * without DNS: the host and port of PUBLIC_URL, or a loopback/unspecified host on the port this
 * instance listens on. A name that only resolves to this server is not caught (no lookup is made,
 * so creating a webhook never waits on DNS); unreachable endpoints are accepted, and their
 * deliveries fail visibly in the delivery log.
 */
export function refusedWebhookUrl(raw: string, self: SelfAddress): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'url must be http or https';
  if (!url.hostname) return 'url must name a host';
  if (self.publicUrl) {
    const pub = new URL(self.publicUrl);
    if (pub.hostname.toLowerCase() === url.hostname.toLowerCase() && portOf(pub) === portOf(url)) return 'url must not point at this server itself';
  }
  if (self.port !== null && isLocalHost(url.hostname) && portOf(url) === self.port) return 'url must not point at this server itself';
  return null;
}
