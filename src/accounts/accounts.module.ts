import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { MailModule } from '../mail/mail.module.js';
import { UsersModule } from '../users/users.module.js';
import { LoginAttempts } from './login-attempts.js';
import { TalkerAccountsRepository } from './talker-accounts.repository.js';
import { TalkerAccountsService } from './talker-accounts.service.js';
import { TalkerAppRepository } from './talker-app.repository.js';
import { TalkerApp } from './talker-app.service.js';
import { TalkerSessionsRepository } from './talker-sessions.repository.js';
import { UnconfirmedAccountPruner } from './unconfirmed-account-pruner.js';

/** Talker accounts: which app they live in, registration, confirmation, login, sessions. */
@Module({
  imports: [AppsModule, UsersModule, MailModule],
  providers: [TalkerApp, TalkerAppRepository, TalkerAccountsRepository, TalkerSessionsRepository, TalkerAccountsService, LoginAttempts, UnconfirmedAccountPruner],
  exports: [TalkerApp, TalkerAccountsService],
})
export class AccountsModule {}
