import { createHmac } from 'node:crypto';

const PREFIX = 'whsec_';
/** Secrets kept decoded, at most (endpoints seen by this worker; the cache starts over past it). */
const MAX_KEYS = 10_000;

/**
 * Standard Webhooks signatures (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, keyed by the
 * base64 secret after `whsec_`), the same the `standardwebhooks` package makes, with node:crypto:
 * the package's pure-JS SHA-256 costs the worker's CPU on every delivery. Decoded keys are kept.
 */
export class WebhookSigner {
  private readonly keys = new Map<string, Buffer>();

  sign(secret: string, id: string, sentAt: Date, body: Buffer): string {
    const seconds = Math.floor(sentAt.getTime() / 1000);
    return `v1,${createHmac('sha256', this.keyOf(secret)).update(`${id}.${seconds}.`).update(body).digest('base64')}`;
  }

  private keyOf(secret: string): Buffer {
    let key = this.keys.get(secret);
    if (!key) {
      key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
      if (key.length === 0) throw new Error("Secret can't be empty.");
      if (this.keys.size >= MAX_KEYS) this.keys.clear();
      this.keys.set(secret, key);
    }
    return key;
  }
}
