import { Injectable } from '@nestjs/common';
import { AppScope } from '../database/app-scope.js';
import { WebhookAttemptsRepository } from './webhook-attempts.repository.js';
import { WebhookAttempt } from './webhook-attempt.model.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookDelivery } from './webhook.model.js';
import { toDelivery } from './webhooks.service.js';

/** Reads one delivery, its body and its attempt log, for the app that owns it. */
@Injectable()
export class WebhookDeliveriesService {
  constructor(private readonly deliveries: WebhookDeliveriesRepository, private readonly attempts: WebhookAttemptsRepository) {}

  async find(scope: AppScope, id: string): Promise<WebhookDelivery | null> {
    const row = await this.deliveries.findById(scope, id);
    return row ? toDelivery(row) : null;
  }

  payloadOf(delivery: WebhookDelivery): Record<string, unknown> {
    return JSON.parse(delivery.payloadText) as Record<string, unknown>;
  }

  /** The attempt logs of these deliveries (of the scope's app only), for a DataLoader. */
  async attemptsOf(scope: AppScope, deliveryIds: readonly string[]): Promise<Map<string, WebhookAttempt[]>> {
    const rows = await this.attempts.listForDeliveries(scope, deliveryIds);
    return new Map([...rows].map(([id, list]) => [id, list.map(toAttempt)]));
  }
}

const toAttempt = (row: WebhookAttempt): WebhookAttempt => ({
  number: row.number, startedAt: row.startedAt, durationMs: row.durationMs, statusCode: row.statusCode, error: row.error, responseExcerpt: row.responseExcerpt,
});
