import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module.js';
import { UsersModule } from '../users/users.module.js';
import { AppsRepository } from './apps.repository.js';
import { AppsResolver } from './apps.resolver.js';
import { AppsService } from './apps.service.js';

@Module({
  imports: [RoomsModule, UsersModule],
  providers: [AppsRepository, AppsService, AppsResolver],
  exports: [AppsService],
})
export class AppsModule {}
