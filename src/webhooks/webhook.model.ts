import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum DeliveryStatus { PENDING = 'PENDING', DELIVERED = 'DELIVERED', FAILED = 'FAILED' }
registerEnumType(DeliveryStatus, { name: 'DeliveryStatus' });

@ObjectType({ description: 'An endpoint of the app backend that gets signed POSTs of the events it names.' })
export class Webhook {
  @Field(() => ID)
  id: string;

  @Field()
  url: string;

  @Field(() => [String])
  events: string[];

  @Field()
  enabled: boolean;

  @Field(() => Date)
  createdAt: Date;
}

@ObjectType({ description: 'A webhook and its signing secret (`whsec_…`), shown this once.' })
export class CreatedWebhook {
  @Field(() => Webhook)
  webhook: Webhook;

  @Field()
  secret: string;
}

@ObjectType({ description: 'One event for one endpoint, sent until a 2xx answer or FAILED after the last retry.' })
export class WebhookDelivery {
  @Field(() => ID, { description: 'Also its `webhook-id` header, the same on every attempt.' })
  id: string;

  @Field(() => ID)
  webhookId: string;

  @Field()
  eventType: string;

  @Field(() => DeliveryStatus)
  status: DeliveryStatus;

  @Field(() => Int)
  attempts: number;

  @Field(() => Int, { nullable: true, description: 'The HTTP status of the last attempt; null when none answered.' })
  lastStatusCode: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed (timeout, connection closed, HTTP 500…).' })
  lastError: string | null;

  @Field(() => Date, { nullable: true, description: 'When it is tried next (PENDING only).' })
  nextAttemptAt: Date | null;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  deliveredAt: Date | null;

  /** The body as signed and sent (JSON text); the `payload` field gives it parsed, read only when asked for. */
  payloadText: string;
}
