import { Module } from '@nestjs/common';
import { BlocksRepository } from './blocks.repository.js';
import { BlocksResolver } from './blocks.resolver.js';
import { BlocksService } from './blocks.service.js';
import { UserCache } from './user.cache.js';
import { UserTokensRepository } from './user-tokens.repository.js';
import { UsersRepository } from './users.repository.js';
import { UsersResolver } from './users.resolver.js';
import { UsersService } from './users.service.js';

/** Users, their tokens, and the blocks between users. */
@Module({
  providers: [UsersRepository, UserTokensRepository, BlocksRepository, UsersService, BlocksService, UsersResolver, BlocksResolver, UserCache],
  exports: [UsersRepository, UserTokensRepository, BlocksRepository, UsersService, BlocksService, UserCache],
})
export class UsersModule {}
