import { Field, ID, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '../common/graphql/scalars.js';
import { User } from '../users/user.model.js';

@ObjectType()
export class Ban {
  @Field(() => User)
  user: User;

  @Field()
  startsAt: Date;

  @Field(() => Date, { nullable: true, description: 'Null: until unbanned.' })
  endsAt: Date | null;

  @Field(() => String, { nullable: true })
  reason: string | null;
}

@ObjectType({ description: 'One moderation action: who did what to whom, when and why.' })
export class AuditEntry {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { nullable: true })
  roomId: string | null;

  @Field({ description: 'APP (the app backend) or USER.' })
  actorKind: string;

  @Field(() => User, { nullable: true })
  actor: User | null;

  @Field({ description: 'MUTE, UNMUTE, BAN, UNBAN, FREEZE, UNFREEZE, SET_ROLE, ADD_MANAGER, REMOVE_MANAGER.' })
  action: string;

  @Field(() => User, { nullable: true })
  target: User | null;

  @Field(() => String, { nullable: true })
  reason: string | null;

  @Field(() => JSONScalar, { nullable: true })
  details: Record<string, unknown> | null;

  @Field()
  createdAt: Date;
}
