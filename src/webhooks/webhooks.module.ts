import { Module } from '@nestjs/common';
import { WebhookAttemptPruner } from './webhook-attempt-pruner.js';
import { WebhookAttemptsRepository } from './webhook-attempts.repository.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookDeliveriesResolver } from './webhook-deliveries.resolver.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { WebhookOutbox } from './webhook-outbox.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksResolver } from './webhooks.resolver.js';
import { WebhooksService } from './webhooks.service.js';

/** The app backends' webhooks: endpoints, the outbox that records deliveries, the worker that sends them. */
@Module({
  providers: [WebhooksRepository, WebhookDeliveriesRepository, WebhooksService, WebhooksResolver, WebhookOutbox, WebhookSender,
    WebhookAttemptsRepository, WebhookDeliveriesService, WebhookDeliveriesResolver, WebhookAttemptPruner],
})
export class WebhooksModule {}
