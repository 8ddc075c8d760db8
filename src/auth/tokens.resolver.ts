import { Args, Int, Mutation, Resolver } from '@nestjs/graphql';
import { IdArg } from '../common/graphql/id.args.js';
import { UserToken } from '../users/user.model.js';
import { Allow } from '../principal/allow.decorator.js';
import { CurrentPrincipal } from '../principal/current-principal.decorator.js';
import type { AppPrincipal } from '../principal/principal.js';
import { TokensService } from './tokens.service.js';

@Resolver()
export class TokensResolver {
  constructor(private readonly tokens: TokensService) {}

  @Mutation(() => UserToken, { description: 'A token for the user; lives 24 hours unless expiresAt says otherwise.' })
  @Allow('app')
  issueUserToken(
    @CurrentPrincipal() caller: AppPrincipal,
    @IdArg('userId') userId: string,
    @Args('expiresAt', { type: () => Date, nullable: true }) expiresAt?: Date | null,
  ): Promise<UserToken> {
    return this.tokens.issue(caller.scope, userId, expiresAt);
  }

  @Mutation(() => Int, { description: 'Revokes every token of the user; returns how many issued tokens were live.' })
  @Allow('app')
  revokeUserTokens(@CurrentPrincipal() caller: AppPrincipal, @IdArg('userId') userId: string): Promise<number> {
    return this.tokens.revokeAll(caller.scope, userId);
  }
}
