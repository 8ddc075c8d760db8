import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Allow } from '../auth/allow.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { ScopedPrincipal } from '../auth/principal.js';
import { IdArg } from '../common/graphql/id.args.js';
import { MembershipEvent } from '../rooms/membership-event.model.js';
import { ModerationService } from './moderation.service.js';
import { Mute } from './mute.model.js';

@Resolver()
export class ModerationResolver {
  constructor(private readonly moderation: ModerationService) {}

  @Mutation(() => MembershipEvent, { description: 'Mutes the user in the room for 1 to 525600 minutes (replaces a running mute).' })
  @Allow('app', 'user')
  muteUser(
    @CurrentPrincipal() caller: ScopedPrincipal, @IdArg('roomId') roomId: string, @IdArg('userId') userId: string,
    @Args('minutes', { type: () => Int }) minutes: number,
    @Args('reason', { type: () => String, nullable: true }) reason?: string | null,
  ): Promise<MembershipEvent> {
    return this.moderation.mute(caller, roomId, userId, minutes, reason);
  }

  @Mutation(() => MembershipEvent)
  @Allow('app', 'user')
  unmuteUser(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('roomId') roomId: string, @IdArg('userId') userId: string): Promise<MembershipEvent> {
    return this.moderation.unmute(caller, roomId, userId);
  }

  @Query(() => [Mute], { description: 'The running mutes of the room, soonest end first.' })
  @Allow('app', 'user')
  mutes(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('roomId') roomId: string): Promise<Mute[]> {
    return this.moderation.listMutes(caller, roomId);
  }
}
