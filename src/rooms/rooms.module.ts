import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { MembersRepository } from './members.repository.js';
import { RoomAccessService } from './room-access.service.js';
import { RoomsRepository } from './rooms.repository.js';
import { RoomsResolver } from './rooms.resolver.js';
import { RoomsService } from './rooms.service.js';

@Module({
  imports: [UsersModule],
  providers: [RoomsRepository, MembersRepository, RoomAccessService, RoomsService, RoomsResolver],
  exports: [RoomsRepository, MembersRepository, RoomAccessService, RoomsService],
})
export class RoomsModule {}
