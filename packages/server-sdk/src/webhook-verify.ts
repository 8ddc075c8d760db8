import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { ChatApiError } from './errors.js';

/** What a webhook delivery carries (SPEC: `{type, timestamp, data}`). */
export interface WebhookEvent<T = unknown> {
  type: string;
  timestamp: string;
  data: T;
}

/** Headers as Node (IncomingMessage), fetch (Headers) or a plain object gives them. */
export type HeadersLike = Headers | Record<string, string | string[] | undefined>;

/**
 * Checks a delivery's Standard Webhooks signature (webhook-id, webhook-timestamp,
 * webhook-signature) against the endpoint's `whsec_…` secret and returns the parsed event.
 * `body` must be the raw request body, byte for byte. A bad signature, a missing header or a
 * timestamp more than 5 minutes off throws a ChatApiError with code `UNAUTHENTICATED`.
 */
export function verifyWebhook<T = unknown>(body: string | Uint8Array, headers: HeadersLike, secret: string): WebhookEvent<T> {
  const wanted = ['webhook-id', 'webhook-timestamp', 'webhook-signature'];
  const plain: Record<string, string> = {};
  for (const name of wanted) {
    const value = headers instanceof Headers ? headers.get(name) : pick(headers, name);
    if (value) plain[name] = value;
  }
  try {
    return new Webhook(secret).verify(body, plain) as WebhookEvent<T>;
  } catch (cause) {
    throw new ChatApiError({ code: 'UNAUTHENTICATED', message: `Webhook not verified: ${cause instanceof Error ? cause.message : String(cause)}`, status: 0, cause });
  }
}

/** What the pre-send hook is sent (SPEC): `{type: "message.pre_send", timestamp, data}`. */
export interface PreSendData {
  roomId: string;
  author: { id: string; uname: string };
  text: string;
  kind: string;
  meta: unknown;
}

/**
 * The Standard Webhooks secret the server signs an app's pre-send hook calls with, derived from
 * the app secret (README "Pre-send hook"): `"whsec_" + base64(HMAC-SHA256(appSecret, "pre-send-hook"))`.
 */
export function preSendSigningSecret(appSecret: string): string {
  return `whsec_${createHmac('sha256', Buffer.from(appSecret, 'utf8')).update('pre-send-hook', 'utf8').digest('base64')}`;
}

function pick(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}
