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

function pick(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}
