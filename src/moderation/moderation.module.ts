import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { ModerationResolver } from './moderation.resolver.js';
import { ModerationService } from './moderation.service.js';
import { MuteSweeper } from './mute-sweeper.js';
import { ReportsRepository } from './reports.repository.js';
import { ReportsResolver } from './reports.resolver.js';
import { ReportsService } from './reports.service.js';

/** Roles, mutes and bans (stored by rooms/), freeze, reports and the audit log. */
@Module({
  imports: [RoomsModule, UsersModule, MessagesModule],
  providers: [
    ReportsRepository, AuditLogRepository,
    ModerationService, ReportsService, MuteSweeper,
    ModerationResolver, ReportsResolver,
  ],
  exports: [ModerationService],
})
export class ModerationModule {}
