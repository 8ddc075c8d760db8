import { lookup } from 'node:dns/promises';
import { networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { badInput } from '../common/errors/chat-error.js';
import { judgeOutboundUrl, portOf, selfAddressOf } from '../common/outbound-url.js';
import { AppConfig } from '../config/app-config.js';

/** How long the name of a hook's host may take to resolve when the app backend sets it. */
const LOOKUP_TIMEOUT_MS = 2000;

/**
 * Checks the pre-send hook's URL: the rules every URL this server calls follows
 * (common/outbound-url.ts), and a host that resolves to no address of this machine at its port,
 * which would make every message call back into the server.
 */
@Injectable()
export class HookTargets {
  constructor(private readonly config: AppConfig, private readonly http: HttpAdapterHost) {}

  /**
   * The URL as it will be called (normalized, no fragment), or BAD_USER_INPUT saying what is
   * wrong: judgeOutboundUrl's rules (the same as webhook endpoints'), then, as the hook is called
   * before every message, a host that resolves and none of whose addresses is this machine's at
   * the port it listens on.
   */
  async check(field: string, raw: string): Promise<string> {
    const self = selfAddressOf(this.http, this.config.media.publicUrl);
    const judged = judgeOutboundUrl(raw, self);
    if ('refused' in judged) throw badInput(`${field}: ${judged.refused}`);
    const { url } = judged;
    const addresses = await resolve(field, url.hostname);
    if (self.port !== null && portOf(url) === self.port && addresses.some(isThisMachine)) throw badInput(`${field}: ${url.host} is this server itself`);
    return url.href;
  }
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
