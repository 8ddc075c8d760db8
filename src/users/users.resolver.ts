import { Args, Context, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow } from '../principal/allow.decorator.js';
import { CurrentPrincipal } from '../principal/current-principal.decorator.js';
import type { AppPrincipal, ScopedPrincipal, UserPrincipal } from '../principal/principal.js';
import { DeleteResult } from '../common/graphql/delete-result.model.js';
import { IdArg, IdListArg } from '../common/graphql/id.args.js';
import { PageArgs, pageWindow } from '../common/graphql/page.args.js';
import { RequestLoaders } from '../common/graphql/request-loaders.js';
import { MetaPatchInput } from '../common/graphql/meta-patch.input.js';
import { CreateUserInput } from './create-user.input.js';
import { User, UserPage } from './user.model.js';
import { UsersService } from './users.service.js';

@Resolver(() => User)
export class UsersResolver {
  constructor(private readonly service: UsersService, private readonly loaders: RequestLoaders) {}

  @Mutation(() => User)
  @Allow('app')
  createUser(@CurrentPrincipal() caller: AppPrincipal, @Args('input') input: CreateUserInput): Promise<User> {
    return this.service.create(caller.scope, input);
  }

  @Query(() => User, { nullable: true })
  @Allow('app', 'user')
  user(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('id') id: string): Promise<User> {
    return this.service.require(caller.scope, id);
  }

  @Query(() => UserPage)
  @Allow('app')
  users(@CurrentPrincipal() caller: AppPrincipal, @Args() page: PageArgs): Promise<UserPage> {
    const { offset, limit } = pageWindow(page);
    return this.service.list(caller.scope, offset, limit);
  }

  @Mutation(() => DeleteResult)
  @Allow('app')
  deleteUser(@CurrentPrincipal() caller: AppPrincipal, @IdArg('id') id: string): Promise<DeleteResult> {
    return this.service.delete(caller.scope, id);
  }

  @Mutation(() => Int, { description: 'Deletes the listed users of the app; returns how many existed.' })
  @Allow('app')
  deleteUsers(@CurrentPrincipal() caller: AppPrincipal, @IdListArg('ids') ids: string[]): Promise<number> {
    return this.service.deleteMany(caller.scope, ids);
  }

  @Query(() => User)
  @Allow('user')
  me(@CurrentPrincipal() caller: UserPrincipal): Promise<User> {
    return this.service.require(caller.scope, caller.userId);
  }

  @Mutation(() => User, { description: 'Sets and removes meta keys of a user (the app backend, or the user themself).' })
  @Allow('app', 'user')
  updateUserMeta(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('id') id: string, @Args('patch') patch: MetaPatchInput): Promise<User> {
    return this.service.patchMeta(caller, id, patch);
  }

  @ResolveField(() => Boolean, { description: 'Connected now over graphql-ws or the legacy socket.' })
  online(@Parent() user: User, @CurrentPrincipal() caller: ScopedPrincipal, @Context() ctx: object): Promise<boolean> {
    return this.loaders.get(ctx, 'online', (ids) => this.service.onlineOf(caller.scope, ids), false).load(user.id);
  }
}
