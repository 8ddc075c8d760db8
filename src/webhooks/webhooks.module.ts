import { Module } from '@nestjs/common';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookOutbox } from './webhook-outbox.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksResolver } from './webhooks.resolver.js';
import { WebhooksService } from './webhooks.service.js';

/** The app backends' webhooks: endpoints, the outbox that records deliveries, the worker that sends them. */
@Module({
  providers: [WebhooksRepository, WebhookDeliveriesRepository, WebhooksService, WebhooksResolver, WebhookOutbox, WebhookSender],
})
export class WebhooksModule {}
