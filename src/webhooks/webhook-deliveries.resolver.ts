import { Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { IdArg } from '../common/graphql/id.args.js';
import { RequestLoaders } from '../common/graphql/request-loaders.js';
import { JSONScalar } from '../common/graphql/scalars.js';
import { Allow } from '../principal/allow.decorator.js';
import { CurrentPrincipal } from '../principal/current-principal.decorator.js';
import type { AppPrincipal } from '../principal/principal.js';
import { WebhookAttempt } from './webhook-attempt.model.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { WebhookDelivery } from './webhook.model.js';

/** One delivery, its body and its attempt log (README "Webhooks"). */
@Resolver(() => WebhookDelivery)
export class WebhookDeliveriesResolver {
  constructor(private readonly service: WebhookDeliveriesService, private readonly loaders: RequestLoaders) {}

  @Query(() => WebhookDelivery, { nullable: true, description: 'App backend: one delivery of its endpoints (null when it has none of that id).' })
  @Allow('app')
  webhookDelivery(@CurrentPrincipal() caller: AppPrincipal, @IdArg('id') id: string): Promise<WebhookDelivery | null> {
    return this.service.find(caller.scope, id);
  }

  @ResolveField(() => JSONScalar, { description: 'The JSON body signed and sent on every attempt: `{type, timestamp, data}`.' })
  payload(@Parent() delivery: WebhookDelivery): Record<string, unknown> {
    return this.service.payloadOf(delivery);
  }

  @ResolveField(() => [WebhookAttempt], { description: 'Its attempts, oldest first: the newest 50 at most, none older than 7 days.' })
  attemptLog(@Parent() delivery: WebhookDelivery, @CurrentPrincipal() caller: AppPrincipal, @Context() ctx: object): Promise<WebhookAttempt[]> {
    return this.loaders.get(ctx, 'webhookAttempts', (ids) => this.service.attemptsOf(caller.scope, ids), [] as WebhookAttempt[]).load(delivery.id);
  }
}
