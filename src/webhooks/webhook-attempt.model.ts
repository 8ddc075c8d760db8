import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'One POST of a delivery: when, how long, and what came back.' })
export class WebhookAttempt {
  @Field(() => Int, { description: 'The attempt\'s number in its round: 1 for the first POST, and again 1 after a redeliver.' })
  number: number;

  @Field(() => Date)
  startedAt: Date;

  @Field(() => Int)
  durationMs: number;

  @Field(() => Int, { nullable: true, description: 'The HTTP status; null when none came (timeout, connection closed or refused).' })
  statusCode: number | null;

  @Field(() => String, { nullable: true, description: 'Why it failed (`HTTP 500`, `timed out after … ms`, `connection closed by the receiver`, `ECONNREFUSED: …`); null when delivered.' })
  error: string | null;

  @Field(() => String, { nullable: true, description: 'The first 1 KB of the answer\'s body (UTF-8); null when it had none.' })
  responseExcerpt: string | null;
}
