import { Args, Context, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow } from '../principal/allow.decorator.js';
import { CurrentPrincipal } from '../principal/current-principal.decorator.js';
import type { AppPrincipal, ScopedPrincipal, UserPrincipal } from '../principal/principal.js';
import { DeleteResult } from '../common/graphql/delete-result.model.js';
import { IdArg, OptionalIdArg } from '../common/graphql/id.args.js';
import { pageWindow } from '../common/graphql/page.args.js';
import { RequestLoaders } from '../common/graphql/request-loaders.js';
import { User } from '../users/user.model.js';
import { Member, MemberRole } from './member.model.js';
import { MetaPatchInput } from '../common/graphql/meta-patch.input.js';
import { CreateRoomInput, RoomsArgs, UpdateRoomInput } from './room.inputs.js';
import { Room, RoomPage } from './room.model.js';
import { RoomsService } from './rooms.service.js';

@Resolver(() => Room)
export class RoomsResolver {
  constructor(private readonly service: RoomsService, private readonly loaders: RequestLoaders) {}

  @Mutation(() => Room)
  @Allow('app')
  createRoom(@CurrentPrincipal() caller: AppPrincipal, @Args('input') input: CreateRoomInput): Promise<Room> {
    return this.service.create(caller, input);
  }

  @Query(() => Room, { nullable: true, description: 'A room by id or by key (give exactly one).' })
  @Allow('app', 'user')
  room(@CurrentPrincipal() caller: ScopedPrincipal,
    @OptionalIdArg('id') id?: string, @Args('key', { type: () => String, nullable: true }) key?: string): Promise<Room> {
    return this.service.get(caller, id, key);
  }

  @Query(() => RoomPage, { description: 'The app\'s rooms, newest first, filtered.' })
  @Allow('app')
  rooms(@CurrentPrincipal() caller: AppPrincipal, @Args() args: RoomsArgs): Promise<RoomPage> {
    const { offset, limit } = pageWindow(args);
    return this.service.list(caller, args, offset, limit);
  }

  @Query(() => [Room], { description: 'The rooms the user is a member of, most recently active first.' })
  @Allow('user')
  myRooms(@CurrentPrincipal() caller: UserPrincipal): Promise<Room[]> {
    return this.service.mine(caller);
  }

  @Mutation(() => Room)
  @Allow('app', 'user')
  updateRoom(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('id') id: string, @Args('input') input: UpdateRoomInput): Promise<Room> {
    return this.service.update(caller, id, input);
  }

  @Mutation(() => Room, { description: 'Sets and removes meta keys of a room.' })
  @Allow('app', 'user')
  updateRoomMeta(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('id') id: string, @Args('patch') patch: MetaPatchInput): Promise<Room> {
    return this.service.patchMeta(caller, id, patch);
  }

  @Mutation(() => DeleteResult)
  @Allow('app')
  deleteRoom(@CurrentPrincipal() caller: AppPrincipal, @IdArg('id') id: string): Promise<DeleteResult> {
    return this.service.delete(caller, id);
  }

  @Mutation(() => Member)
  @Allow('app', 'user')
  addMember(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('roomId') roomId: string, @IdArg('userId') userId: string,
    @Args('role', { type: () => MemberRole, nullable: true }) role?: MemberRole): Promise<Member> {
    return this.service.addMember(caller, roomId, userId, role ?? MemberRole.MEMBER);
  }

  @Mutation(() => DeleteResult)
  @Allow('app', 'user')
  removeMember(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('roomId') roomId: string, @IdArg('userId') userId: string): Promise<DeleteResult> {
    return this.service.removeMember(caller, roomId, userId);
  }

  @Query(() => [Member])
  @Allow('app', 'user')
  members(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('roomId') roomId: string): Promise<Member[]> {
    return this.service.listMembers(caller, roomId);
  }

  @Query(() => [User], { description: 'Who of the room is connected now (for an OPEN room: anyone in the app).' })
  @Allow('app', 'user')
  onlineMembers(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('roomId') roomId: string): Promise<User[]> {
    return this.service.onlineMembers(caller, roomId);
  }

  @Mutation(() => Member, { description: 'Join an OPEN room.' })
  @Allow('user')
  joinRoom(@CurrentPrincipal() caller: UserPrincipal, @IdArg('roomId') roomId: string): Promise<Member> {
    return this.service.join(caller, roomId);
  }

  @Mutation(() => DeleteResult)
  @Allow('user')
  leaveRoom(@CurrentPrincipal() caller: UserPrincipal, @IdArg('roomId') roomId: string): Promise<DeleteResult> {
    return this.service.leave(caller, roomId);
  }

  @Mutation(() => Room, { description: 'The one DIRECT room of you and another user, created the first time.' })
  @Allow('user')
  openDirectRoom(@CurrentPrincipal() caller: UserPrincipal, @IdArg('userId') userId: string): Promise<Room> {
    return this.service.openDirect(caller, userId);
  }

  @ResolveField(() => Int)
  memberCount(@Parent() room: Room, @CurrentPrincipal() caller: ScopedPrincipal, @Context() ctx: object): Promise<number> {
    return this.loaders.get(ctx, 'memberCount', (ids) => this.service.memberCounts(caller.scope, ids), 0).load(room.id);
  }
}
