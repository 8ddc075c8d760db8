import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { BansRepository } from './bans.repository.js';
import { MembersRepository } from './members.repository.js';
import { MutesRepository } from './mutes.repository.js';
import { SanctionsCache } from './sanctions.cache.js';
import { RoomAccessCache } from './room-access.cache.js';
import { RoomAccessService } from './room-access.service.js';
import { RoomsRepository } from './rooms.repository.js';
import { RoomsResolver } from './rooms.resolver.js';
import { RoomsService } from './rooms.service.js';

/** Rooms, members, and the mutes and bans (with their cache) that room access checks. */
@Module({
  imports: [UsersModule],
  providers: [RoomsRepository, MembersRepository, MutesRepository, BansRepository, SanctionsCache, RoomAccessCache, RoomAccessService, RoomsService, RoomsResolver],
  exports: [RoomsRepository, MembersRepository, MutesRepository, BansRepository, RoomAccessCache, RoomAccessService, RoomsService],
})
export class RoomsModule {}
