import { Webhook } from 'standardwebhooks';

/** Endpoints' signers kept, at most (the cache starts over past it). */
const MAX_KEYS = 10_000;

/**
 * Standard Webhooks signatures (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, keyed by the
 * base64 secret after `whsec_`), made by the `standardwebhooks` package itself, so receivers verify
 * with any Standard Webhooks library. One package signer per secret is kept: decoding the secret
 * is not redone on every delivery. Used by the webhook worker and the pre-send hook.
 */
export class WebhookSigner {
  private readonly signers = new Map<string, Webhook>();

  sign(secret: string, id: string, sentAt: Date, body: Buffer): string {
    return this.signerOf(secret).sign(id, sentAt, body);
  }

  private signerOf(secret: string): Webhook {
    let signer = this.signers.get(secret);
    if (!signer) {
      signer = new Webhook(secret);
      if (this.signers.size >= MAX_KEYS) this.signers.clear();
      this.signers.set(secret, signer);
    }
    return signer;
  }
}
