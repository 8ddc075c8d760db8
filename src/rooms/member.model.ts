import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { User } from '../users/user.model.js';

export enum MemberRole { MEMBER = 'MEMBER', MANAGER = 'MANAGER' }
registerEnumType(MemberRole, { name: 'MemberRole', description: 'Room role. A MANAGER moderates the room.' });

@ObjectType()
export class Member {
  @Field(() => ID)
  roomId: string;

  @Field(() => User)
  user: User;

  @Field(() => MemberRole)
  role: MemberRole;

  @Field()
  joinedAt: Date;

  @Field(() => Date, { nullable: true, description: 'Set while the user is muted in this room.' })
  mutedUntil: Date | null;

  @Field(() => ID, { nullable: true })
  lastReadMessageId: string | null;

  @Field(() => ID, { nullable: true })
  lastDeliveredMessageId: string | null;
}
