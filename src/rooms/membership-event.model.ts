import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { User } from '../users/user.model.js';
import { MemberRole } from './member.model.js';

export enum MembershipEventType {
  JOINED = 'JOINED', LEFT = 'LEFT', MUTED = 'MUTED', UNMUTED = 'UNMUTED', BANNED = 'BANNED', UNBANNED = 'UNBANNED', ROLE_CHANGED = 'ROLE_CHANGED',
}
registerEnumType(MembershipEventType, { name: 'MembershipEventType' });

@ObjectType()
export class MembershipEvent {
  @Field(() => MembershipEventType)
  type: MembershipEventType;

  @Field(() => ID)
  roomId: string;

  @Field(() => User)
  user: User;

  @Field(() => User, { nullable: true, description: 'Who did it; null when the app backend (or the clock) did.' })
  actor: User | null;

  @Field(() => MemberRole, { nullable: true, description: 'The room role after JOINED or ROLE_CHANGED.' })
  role?: MemberRole | null;

  @Field(() => Date, { nullable: true })
  mutedUntil: Date | null;

  @Field(() => Date, { nullable: true })
  bannedUntil: Date | null;

  @Field(() => String, { nullable: true })
  reason: string | null;
}
