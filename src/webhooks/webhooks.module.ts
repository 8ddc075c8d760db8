import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module.js';
import { WebhookCursorsRepository } from './webhook-cursors.repository.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookMaterialiser } from './webhook-materialiser.js';
import { WebhookOutbox } from './webhook-outbox.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksResolver } from './webhooks.resolver.js';
import { WebhooksService } from './webhooks.service.js';

/** The app backends' webhooks: endpoints, the outbox that records deliveries, the materialiser of message.created, the worker that sends them. */
@Module({
  imports: [MessagesModule],
  providers: [WebhooksRepository, WebhookDeliveriesRepository, WebhookCursorsRepository, WebhooksService, WebhooksResolver, WebhookOutbox, WebhookSender, WebhookMaterialiser],
})
export class WebhooksModule {}
