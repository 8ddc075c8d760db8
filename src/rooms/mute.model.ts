import { Field, Int, ObjectType } from '@nestjs/graphql';
import { User } from '../users/user.model.js';

@ObjectType({ description: 'A running mute: the user can read the room but not send until endsAt.' })
export class Mute {
  @Field(() => User)
  user: User;

  @Field(() => Int, { description: 'The duration given, in minutes.' })
  minutes: number;

  @Field()
  startsAt: Date;

  @Field()
  endsAt: Date;

  @Field(() => String, { nullable: true })
  reason: string | null;
}
