import * as ops from '../generated/graphql.js';
import { HeadersLike, PreSendData, preSendSigningSecret, verifyWebhook, WebhookEvent } from '../webhook-verify.js';
import { IDEMPOTENT, ONCE, type Call } from './call.js';

/** `chat.webhooks`: endpoints, their deliveries, and verifying a delivery's signature. */
export class WebhooksApi {
  constructor(private readonly call: Call, private readonly defaultSecret: string | undefined, private readonly appSecret: string) {}

  /** A new endpoint; `secret` (whsec_…) is shown this once: keep it to verify deliveries. */
  async create(input: ops.CreateWebhookInput) { return (await this.call(ops.CreateWebhookDocument, { input }, ONCE)).createWebhook; }
  async list() { return (await this.call(ops.WebhooksDocument, {}, IDEMPOTENT)).webhooks; }
  /** Change the URL or events, or disable (`enabled: false`) and enable it. */
  async update(id: string, input: ops.UpdateWebhookInput) { return (await this.call(ops.UpdateWebhookDocument, { id, input }, IDEMPOTENT)).updateWebhook; }
  /** A new signing secret, shown this once; the old one stops signing at once. */
  async rotateSecret(id: string) { return (await this.call(ops.RotateWebhookSecretDocument, { id }, ONCE)).rotateWebhookSecret; }
  async delete(id: string) { return (await this.call(ops.DeleteWebhookDocument, { id }, ONCE)).deleteWebhook; }
  /** The endpoint's deliveries, newest first (limit 1–500, default 50). */
  async deliveries(webhookId: string, options: { limit?: number } = {}) {
    return (await this.call(ops.WebhookDeliveriesDocument, { webhookId, ...options }, IDEMPOTENT)).webhookDeliveries;
  }
  /** One delivery with the body it sends (`payload`) and its attempt log, oldest first; null when the app has none of that id. */
  async delivery(id: string) { return (await this.call(ops.WebhookDeliveryDocument, { id }, IDEMPOTENT)).webhookDelivery; }
  /** Sends a delivery again, with a fresh round of retries. */
  async redeliver(deliveryId: string) { return (await this.call(ops.RedeliverWebhookDocument, { deliveryId }, ONCE)).redeliverWebhook; }

  /**
   * Verifies a delivery (raw body and its headers) and returns the event `{type, timestamp, data}`.
   * The secret defaults to the client's `webhookSecret` (CHAT_WEBHOOK_SECRET).
   */
  verify<T = unknown>(body: string | Uint8Array, headers: HeadersLike, secret = this.defaultSecret): WebhookEvent<T> {
    if (!secret) throw new TypeError('webhooks.verify: no secret (pass one, or set webhookSecret / CHAT_WEBHOOK_SECRET)');
    return verifyWebhook<T>(body, headers, secret);
  }

  /**
   * Verifies a pre-send hook call (raw body and its headers), signed with a secret derived from
   * the app secret, and returns `{type: "message.pre_send", timestamp, data}`; throws ChatApiError
   * `UNAUTHENTICATED` when the signature does not hold.
   */
  verifyPreSend(body: string | Uint8Array, headers: HeadersLike): WebhookEvent<PreSendData> {
    return verifyWebhook<PreSendData>(body, headers, preSendSigningSecret(this.appSecret));
  }
}
