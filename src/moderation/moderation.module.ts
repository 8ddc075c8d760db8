import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { ModerationResolver } from './moderation.resolver.js';
import { ModerationService } from './moderation.service.js';
import { MuteSweeper } from './mute-sweeper.js';
import { MutesRepository } from './mutes.repository.js';

@Module({
  imports: [RoomsModule, UsersModule],
  providers: [MutesRepository, AuditLogRepository, ModerationService, ModerationResolver, MuteSweeper],
  exports: [ModerationService, MutesRepository],
})
export class ModerationModule {}
