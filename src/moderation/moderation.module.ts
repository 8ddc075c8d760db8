import { Module } from '@nestjs/common';
import { MessagesRepository } from '../messages/messages.repository.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { BansRepository } from '../rooms/bans.repository.js';
import { BlocksRepository } from '../users/blocks.repository.js';
import { BlocksResolver } from '../users/blocks.resolver.js';
import { BlocksService } from '../users/blocks.service.js';
import { FloodControlService } from '../messages/flood-control.service.js';
import { ModerationResolver } from './moderation.resolver.js';
import { ModerationService } from './moderation.service.js';
import { MuteSweeper } from './mute-sweeper.js';
import { MutesRepository } from '../rooms/mutes.repository.js';
import { ReportsRepository } from './reports.repository.js';
import { ReportsResolver } from './reports.resolver.js';
import { ReportsService } from './reports.service.js';

/** Roles, mutes, bans, freeze, reports, blocks, flood control and the audit log. */
@Module({
  imports: [RoomsModule, UsersModule],
  providers: [
    MutesRepository, BansRepository, BlocksRepository, ReportsRepository, AuditLogRepository, MessagesRepository,
    ModerationService, BlocksService, ReportsService, FloodControlService, MuteSweeper,
    ModerationResolver, BlocksResolver, ReportsResolver,
  ],
  exports: [ModerationService, BlocksService, FloodControlService, MutesRepository],
})
export class ModerationModule {}
