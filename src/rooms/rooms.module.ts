import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { BansRepository } from './bans.repository.js';
import { BlocksRepository } from '../users/blocks.repository.js';
import { MutesRepository } from './mutes.repository.js';
import { MembersRepository } from './members.repository.js';
import { SanctionsCache } from './sanctions.cache.js';
import { RoomAccessCache } from './room-access.cache.js';
import { RoomAccessService } from './room-access.service.js';
import { RoomsRepository } from './rooms.repository.js';
import { RoomsResolver } from './rooms.resolver.js';
import { RoomsService } from './rooms.service.js';

@Module({
  imports: [UsersModule],
  providers: [RoomsRepository, MembersRepository, MutesRepository, BansRepository, BlocksRepository, SanctionsCache, RoomAccessCache, RoomAccessService, RoomsService, RoomsResolver],
  exports: [RoomsRepository, MembersRepository, RoomAccessCache, RoomAccessService, RoomsService],
})
export class RoomsModule {}
