import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AppsModule } from '../apps/apps.module.js';
import { ChatErrorPassthroughFilter } from '../common/errors/chat-error.filter.js';
import { UsersModule } from '../users/users.module.js';
import { AuthGuard } from './auth.guard.js';
import { AuthSubjectCache } from './auth-subject.cache.js';
import { OpenSessions } from './open-sessions.js';
import { PrincipalService } from './principal.service.js';
import { TokensResolver } from './tokens.resolver.js';
import { TokensService } from './tokens.service.js';
import { UserJwtStrategy } from './user-jwt.strategy.js';

@Global()
@Module({
  imports: [PassportModule, AppsModule, UsersModule],
  providers: [
    AuthSubjectCache, UserJwtStrategy, PrincipalService, TokensService, TokensResolver, OpenSessions,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: ChatErrorPassthroughFilter },
  ],
  exports: [PrincipalService, TokensService, OpenSessions],
})
export class AuthModule {}
