import { Mutation, Query, Resolver } from '@nestjs/graphql';
import { Allow } from '../principal/allow.decorator.js';
import { CurrentPrincipal } from '../principal/current-principal.decorator.js';
import type { UserPrincipal } from '../principal/principal.js';
import { DeleteResult } from '../common/graphql/delete-result.model.js';
import { IdArg } from '../common/graphql/id.args.js';
import { User } from './user.model.js';
import { BlocksService } from './blocks.service.js';

@Resolver()
export class BlocksResolver {
  constructor(private readonly blocks: BlocksService) {}

  @Mutation(() => User, { description: 'You stop receiving their messages anywhere; they cannot open or write a DIRECT room with you.' })
  @Allow('user')
  blockUser(@CurrentPrincipal() caller: UserPrincipal, @IdArg('userId') userId: string): Promise<User> {
    return this.blocks.block(caller, userId);
  }

  @Mutation(() => DeleteResult)
  @Allow('user')
  unblockUser(@CurrentPrincipal() caller: UserPrincipal, @IdArg('userId') userId: string): Promise<DeleteResult> {
    return this.blocks.unblock(caller, userId);
  }

  @Query(() => [User])
  @Allow('user')
  blockedUsers(@CurrentPrincipal() caller: UserPrincipal): Promise<User[]> {
    return this.blocks.list(caller);
  }
}
