import { Module } from '@nestjs/common';
import { UserCache } from './user.cache.js';
import { UserTokensRepository } from './user-tokens.repository.js';
import { UsersRepository } from './users.repository.js';
import { UsersResolver } from './users.resolver.js';
import { UsersService } from './users.service.js';

@Module({
  providers: [UsersRepository, UserTokensRepository, UsersService, UsersResolver, UserCache],
  exports: [UsersRepository, UserTokensRepository, UsersService, UserCache],
})
export class UsersModule {}
