import { lookup } from 'node:dns/promises';
import { networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { badInput } from '../common/errors/chat-error.js';
import { AppConfig } from '../config/app-config.js';

/** How long the name of a hook's host may take to resolve when the app backend sets it. */
const LOOKUP_TIMEOUT_MS = 2000;

/**
 * Checks a URL the app backend wants this server to call: http(s), no user:password, a host that
 * resolves, and not this server itself (an address of this machine at the port it listens on,
 * or PUBLIC_URL's origin), which would make every message call back into the server.
 */
@Injectable()
export class HookTargets {
  constructor(private readonly config: AppConfig, private readonly http: HttpAdapterHost) {}

  /** The URL as it will be called (normalized, no fragment), or BAD_USER_INPUT saying what is wrong. */
  async check(field: string, raw: string): Promise<string> {
    const url = parseHookUrl(field, raw);
    const publicUrl = this.config.media.publicUrl;
    if (publicUrl && new URL(publicUrl).origin === url.origin) throw badInput(`${field}: ${url.origin} is this server itself (PUBLIC_URL)`);
    const addresses = await resolve(field, url.hostname);
    const ownPort = this.listeningPort();
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    if (ownPort !== null && port === ownPort && addresses.some(isThisMachine)) throw badInput(`${field}: ${url.host} is this server itself`);
    return url.href;
  }

  private listeningPort(): number | null {
    const address = this.http.httpAdapter?.getHttpServer()?.address?.();
    return address && typeof address === 'object' ? address.port : null;
  }
}

/** http(s) with a host and no credentials (fetch refuses a URL with them); the fragment is dropped. */
export function parseHookUrl(field: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw badInput(`${field}: ${JSON.stringify(raw)} is not a URL; write http(s)://host[:port]/path`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput(`${field}: only http and https URLs are called, not ${url.protocol}`);
  if (!url.hostname) throw badInput(`${field}: the URL has no host`);
  if (url.username || url.password) throw badInput(`${field}: the URL must not carry a user name or password`);
  url.hash = '';
  return url;
}

async function resolve(field: string, hostname: string): Promise<string[]> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return [host];
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('timed out')), LOOKUP_TIMEOUT_MS); });
  try {
    const found = await Promise.race([lookup(host, { all: true }), late]);
    return found.map((a) => a.address);
  } catch {
    throw badInput(`${field}: the host ${hostname} does not resolve`);
  } finally {
    clearTimeout(timer);
  }
}

/** Loopback, "any" (0.0.0.0, ::), or an address of one of this machine's interfaces. */
function isThisMachine(address: string): boolean {
  const plain = address.replace(/^::ffff:/i, '').toLowerCase();
  if (plain.startsWith('127.') || plain === '::1' || plain === '0.0.0.0' || plain === '::') return true;
  return Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address.toLowerCase() === plain));
}
