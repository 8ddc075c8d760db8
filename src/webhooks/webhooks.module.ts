import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module.js';
import { IngestPressure } from './ingest-pressure.js';
import { WebhookAttemptPruner } from './webhook-attempt-pruner.js';
import { WebhookAttemptsRepository } from './webhook-attempts.repository.js';
import { WebhookCursorsRepository } from './webhook-cursors.repository.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookDeliveriesResolver } from './webhook-deliveries.resolver.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { WebhookMaterialiser } from './webhook-materialiser.js';
import { WebhookOutbox } from './webhook-outbox.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksResolver } from './webhooks.resolver.js';
import { WebhooksService } from './webhooks.service.js';

/** The app backends' webhooks: endpoints, the outbox that records deliveries, the materialiser of message.created, the worker that sends them. */
@Module({
  imports: [MessagesModule],
  providers: [WebhooksRepository, WebhookDeliveriesRepository, WebhookCursorsRepository, WebhooksService, WebhooksResolver, WebhookOutbox, WebhookSender, WebhookMaterialiser,
    WebhookAttemptsRepository, WebhookDeliveriesService, WebhookDeliveriesResolver, WebhookAttemptPruner, IngestPressure],
})
export class WebhooksModule {}
