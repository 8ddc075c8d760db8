import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Allow } from '../principal/allow.decorator.js';
import { CurrentPrincipal } from '../principal/current-principal.decorator.js';
import type { ScopedPrincipal } from '../principal/principal.js';
import { badInput } from '../common/errors/chat-error.js';
import { IdArg, OptionalIdArg } from '../common/graphql/id.args.js';
import { Member } from '../rooms/member.model.js';
import { Room } from '../rooms/room.model.js';
import { User, UserRole } from '../users/user.model.js';
import { AuditEntry, Ban } from '../rooms/ban.model.js';
import { MembershipEvent } from '../rooms/membership-event.model.js';
import { ModerationService } from './moderation.service.js';
import { Mute } from '../rooms/mute.model.js';

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

  @Mutation(() => MembershipEvent, { description: 'Bans the user from the room for `seconds` (none: until unbanned). They leave it at once.' })
  @Allow('app', 'user')
  banUser(
    @CurrentPrincipal() caller: ScopedPrincipal, @IdArg('roomId') roomId: string, @IdArg('userId') userId: string,
    @Args('seconds', { type: () => Int, nullable: true }) seconds?: number | null,
    @Args('reason', { type: () => String, nullable: true }) reason?: string | null,
  ): Promise<MembershipEvent> {
    return this.moderation.ban(caller, roomId, userId, seconds, reason);
  }

  @Mutation(() => MembershipEvent)
  @Allow('app', 'user')
  unbanUser(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('roomId') roomId: string, @IdArg('userId') userId: string): Promise<MembershipEvent> {
    return this.moderation.unban(caller, roomId, userId);
  }

  @Query(() => [Ban], { description: 'The running bans of the room, with start, end and reason.' })
  @Allow('app', 'user')
  bannedUsers(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('roomId') roomId: string): Promise<Ban[]> {
    return this.moderation.listBans(caller, roomId);
  }

  @Mutation(() => Room, { description: 'While frozen, only the room\'s managers and staff may write.' })
  @Allow('app', 'user')
  freezeRoom(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('roomId') roomId: string, @Args('frozen') frozen: boolean): Promise<Room> {
    return this.moderation.freeze(caller, roomId, frozen);
  }

  @Mutation(() => User, { description: 'The app backend sets any role; admins and owners set roles below their own, on users below their own.' })
  @Allow('app', 'user')
  setUserRole(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('userId') userId: string, @Args('role', { type: () => UserRole }) role: UserRole): Promise<User> {
    return this.moderation.setUserRole(caller, userId, role);
  }

  @Mutation(() => Member)
  @Allow('app', 'user')
  registerManager(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('roomId') roomId: string, @IdArg('userId') userId: string): Promise<Member> {
    return this.moderation.registerManager(caller, roomId, userId);
  }

  @Mutation(() => Member)
  @Allow('app', 'user')
  deleteManager(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('roomId') roomId: string, @IdArg('userId') userId: string): Promise<Member> {
    return this.moderation.deleteManager(caller, roomId, userId);
  }

  @Query(() => [Member])
  @Allow('app', 'user')
  managers(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('roomId') roomId: string): Promise<Member[]> {
    return this.moderation.managers(caller, roomId);
  }

  @Query(() => [AuditEntry], { description: 'Moderation actions, newest first: a room\'s, or (without roomId) the app-wide ones such as role changes.' })
  @Allow('app', 'user')
  moderationLog(
    @CurrentPrincipal() caller: ScopedPrincipal, @OptionalIdArg('roomId') roomId?: string | null,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number | null, @OptionalIdArg('before') before?: string | null,
  ): Promise<AuditEntry[]> {
    return this.moderation.log(caller, roomId ?? null, clampLimit(limit), before ?? null);
  }
}

/** 1..100, default 50; anything else is the caller's mistake. */
function clampLimit(limit: number | null | undefined): number {
  if (limit === null || limit === undefined) return 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw badInput('limit must be 1 to 100');
  return limit;
}
