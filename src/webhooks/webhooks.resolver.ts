import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { DeleteResult } from '../common/graphql/delete-result.model.js';
import { IdArg } from '../common/graphql/id.args.js';
import { Allow } from '../principal/allow.decorator.js';
import { CurrentPrincipal } from '../principal/current-principal.decorator.js';
import type { AppPrincipal } from '../principal/principal.js';
import { CreateWebhookInput, UpdateWebhookInput } from './webhook.inputs.js';
import { CreatedWebhook, Webhook, WebhookDelivery } from './webhook.model.js';
import { WebhooksService } from './webhooks.service.js';

/** The app backend's webhooks (README "Webhooks"). */
@Resolver(() => Webhook)
export class WebhooksResolver {
  constructor(private readonly service: WebhooksService) {}

  @Mutation(() => CreatedWebhook, { description: 'App backend: a new endpoint and its signing secret, shown this once.' })
  @Allow('app')
  createWebhook(@CurrentPrincipal() caller: AppPrincipal, @Args('input') input: CreateWebhookInput): Promise<CreatedWebhook> {
    return this.service.create(caller.scope, input);
  }

  @Query(() => [Webhook], { description: 'App backend: its endpoints, oldest first.' })
  @Allow('app')
  webhooks(@CurrentPrincipal() caller: AppPrincipal): Promise<Webhook[]> {
    return this.service.list(caller.scope);
  }

  @Mutation(() => Webhook, { description: 'App backend: change an endpoint\'s URL or events, or disable and enable it.' })
  @Allow('app')
  updateWebhook(@CurrentPrincipal() caller: AppPrincipal, @IdArg('id') id: string, @Args('input') input: UpdateWebhookInput): Promise<Webhook> {
    return this.service.update(caller.scope, id, input);
  }

  @Mutation(() => CreatedWebhook, { description: 'App backend: a new signing secret for the endpoint, shown this once; the old one stops signing at once.' })
  @Allow('app')
  rotateWebhookSecret(@CurrentPrincipal() caller: AppPrincipal, @IdArg('id') id: string): Promise<CreatedWebhook> {
    return this.service.rotateSecret(caller.scope, id);
  }

  @Mutation(() => DeleteResult, { description: 'App backend: removes the endpoint and its deliveries.' })
  @Allow('app')
  deleteWebhook(@CurrentPrincipal() caller: AppPrincipal, @IdArg('id') id: string): Promise<DeleteResult> {
    return this.service.delete(caller.scope, id);
  }

  @Query(() => [WebhookDelivery], { description: 'App backend: an endpoint\'s deliveries, newest first (limit 1–500, default 50).' })
  @Allow('app')
  webhookDeliveries(@CurrentPrincipal() caller: AppPrincipal, @IdArg('webhookId') webhookId: string,
                    @Args('limit', { type: () => Int, nullable: true }) limit: number | null): Promise<WebhookDelivery[]> {
    return this.service.listDeliveries(caller.scope, webhookId, limit);
  }

  @Mutation(() => WebhookDelivery, { description: 'App backend: sends a delivery again (FAILED or any), with a fresh round of retries.' })
  @Allow('app')
  redeliverWebhook(@CurrentPrincipal() caller: AppPrincipal, @IdArg('deliveryId') deliveryId: string): Promise<WebhookDelivery> {
    return this.service.redeliver(caller.scope, deliveryId);
  }
}
