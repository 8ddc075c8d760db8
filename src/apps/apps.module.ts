import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module.js';
import { UsersModule } from '../users/users.module.js';
import { AppsRepository } from './apps.repository.js';
import { AppsResolver } from './apps.resolver.js';
import { AppsService } from './apps.service.js';
import { HookTargets } from './hook-targets.js';

@Module({
  imports: [RoomsModule, UsersModule],
  providers: [AppsRepository, AppsService, AppsResolver, HookTargets],
  exports: [AppsService, HookTargets],
})
export class AppsModule {}
