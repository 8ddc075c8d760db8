import { Module } from '@nestjs/common';
import { UserTokensRepository } from './user-tokens.repository.js';
import { UsersRepository } from './users.repository.js';
import { UsersResolver } from './users.resolver.js';
import { UsersService } from './users.service.js';

@Module({
  providers: [UsersRepository, UserTokensRepository, UsersService, UsersResolver],
  exports: [UsersRepository, UserTokensRepository, UsersService],
})
export class UsersModule {}
