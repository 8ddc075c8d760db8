import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { badInput, notFound } from '../common/errors/chat-error.js';
import { judgeOutboundUrl, selfAddressOf } from '../common/outbound-url.js';
import { DeleteResult, deleted, notDeleted } from '../common/graphql/delete-result.model.js';
import { AppConfig } from '../config/app-config.js';
import { AppScope } from '../database/app-scope.js';
import { isWebhookEventType, WEBHOOK_EVENT_TYPES } from '../events/webhook-events.js';
import { EventBus } from '../realtime/event-bus.js';
import { ATTEMPTS_PER_DELIVERY, WebhookAttemptsRepository } from './webhook-attempts.repository.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookDeliveryEntity } from './webhook-delivery.entity.js';
import { WebhookEntity } from './webhook.entity.js';
import { CreateWebhookInput, UpdateWebhookInput } from './webhook.inputs.js';
import { CreatedWebhook, DeliveryStatus, Webhook, WebhookDelivery } from './webhook.model.js';
import { WebhooksRepository } from './webhooks.repository.js';

/** An app may have this many endpoints. */
export const MAX_WEBHOOKS_PER_APP = 20;
const DEFAULT_DELIVERIES = 50;
const MAX_DELIVERIES = 500;

/** `whsec_` and 32 random bytes in base64: the Standard Webhooks secret format. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** The app backend manages its endpoints and reads and replays their deliveries. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly attempts: WebhookAttemptsRepository,
    private readonly events: EventBus,
    private readonly config: AppConfig,
    private readonly http: HttpAdapterHost,
  ) {}

  async create(scope: AppScope, input: CreateWebhookInput): Promise<CreatedWebhook> {
    const url = this.checkedUrl(input.url);
    const events = checkedEvents(input.events) ?? [...WEBHOOK_EVENT_TYPES];
    if ((await this.webhooks.list(scope)).length >= MAX_WEBHOOKS_PER_APP) throw badInput(`an app may have at most ${MAX_WEBHOOKS_PER_APP} webhooks`);
    const secret = newWebhookSecret();
    const row = await this.webhooks.insert(scope, { url, events, secret });
    await this.changed(scope);
    return { webhook: toWebhook(row), secret };
  }

  async list(scope: AppScope): Promise<Webhook[]> {
    return (await this.webhooks.list(scope)).map(toWebhook);
  }

  async update(scope: AppScope, id: string, input: UpdateWebhookInput): Promise<Webhook> {
    const row = await this.require(scope, id);
    const changes: Partial<WebhookEntity> = {};
    if (input.url !== undefined && input.url !== null) changes.url = this.checkedUrl(input.url);
    const events = checkedEvents(input.events);
    if (events) changes.events = events;
    if (input.enabled !== undefined && input.enabled !== null) changes.enabled = input.enabled;
    if (Object.keys(changes).length > 0) {
      await this.webhooks.change(scope, id, changes);
      await this.changed(scope);
    }
    return toWebhook({ ...row, ...changes });
  }

  /** A new secret, shown this once; deliveries sent from now on are signed with it (pending ones too). */
  async rotateSecret(scope: AppScope, id: string): Promise<CreatedWebhook> {
    const row = await this.require(scope, id);
    const secret = newWebhookSecret();
    await this.webhooks.change(scope, id, { secret });
    return { webhook: toWebhook(row), secret };
  }

  async delete(scope: AppScope, id: string): Promise<DeleteResult> {
    if ((await this.webhooks.removeById(scope, id)) === 0) return notDeleted('Webhook not found');
    await this.changed(scope);
    return deleted();
  }

  async listDeliveries(scope: AppScope, webhookId: string, limit: number | null | undefined): Promise<WebhookDelivery[]> {
    await this.require(scope, webhookId);
    const take = limit ?? DEFAULT_DELIVERIES;
    if (!Number.isInteger(take) || take < 1 || take > MAX_DELIVERIES) throw badInput(`limit must be 1–${MAX_DELIVERIES}`);
    return (await this.deliveries.listForWebhook(scope, webhookId, take)).map(toDelivery);
  }

  /** Queues the delivery again at once, with a fresh round of retries, whatever its state. */
  async redeliver(scope: AppScope, deliveryId: string): Promise<WebhookDelivery> {
    if (!(await this.deliveries.findById(scope, deliveryId))) throw notFound('Webhook delivery');
    // Each round adds to its attempt log, which keeps the newest ATTEMPTS_PER_DELIVERY.
    await this.attempts.keepNewest(scope, deliveryId, ATTEMPTS_PER_DELIVERY);
    await this.deliveries.requeue(scope, deliveryId);
    const row = await this.deliveries.findById(scope, deliveryId);
    if (!row) throw notFound('Webhook delivery');
    // Wakes the senders (webhook-sender.ts listens to app.changed) so it goes out now, not at the next poll.
    await this.changed(scope);
    return toDelivery(row);
  }

  private async require(scope: AppScope, id: string): Promise<WebhookEntity> {
    const row = await this.webhooks.findById(scope, id);
    if (!row) throw notFound('Webhook');
    return row;
  }

  private checkedUrl(raw: string): string {
    const judged = judgeOutboundUrl(raw, selfAddressOf(this.http, this.config.media.publicUrl));
    if ('refused' in judged) throw badInput(`url: ${judged.refused}`, { field: 'url' });
    return judged.url.href;
  }


  /** Every instance drops its cached copy of the app's endpoints (and its senders look for due deliveries). */
  private changed(scope: AppScope): Promise<void> {
    return this.events.publish({ type: 'app.changed', appId: scope.appId, roomId: null, secretRotated: false });
  }
}

/** The events named, checked; null when none were named (left out). */
function checkedEvents(events: readonly string[] | null | undefined): string[] | null {
  if (events === undefined || events === null) return null;
  if (events.length === 0) throw badInput('events must name at least one event type (leave it out for all)', { field: 'events' });
  const unknown = events.filter((type) => !isWebhookEventType(type));
  if (unknown.length > 0) throw badInput(`unknown event type ${unknown.map((t) => JSON.stringify(t)).join(', ')}; known: ${WEBHOOK_EVENT_TYPES.join(', ')}`, { field: 'events' });
  return [...new Set(events)];
}

export const toWebhook = (row: WebhookEntity): Webhook =>
  ({ id: row.id, url: row.url, events: row.events, enabled: row.enabled, createdAt: row.createdAt });

export function toDelivery(row: WebhookDeliveryEntity): WebhookDelivery {
  return {
    id: row.id, webhookId: row.webhookId, eventType: row.eventType, status: row.status as DeliveryStatus, attempts: row.attempts,
    lastStatusCode: row.lastStatusCode, lastError: row.lastError, createdAt: row.createdAt, deliveredAt: row.deliveredAt, payloadText: row.payload,
    nextAttemptAt: row.status === 'PENDING' ? new Date(Number(row.nextAttemptAt)) : null,
  };
}
