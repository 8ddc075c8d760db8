import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { ModerationModule } from '../moderation/moderation.module.js';
import { LiveModule } from '../graphql/live.module.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { UsersModule } from '../users/users.module.js';
import { MessagesRepository } from './messages.repository.js';
import { MessagesResolver } from './messages.resolver.js';
import { MessagesService } from './messages.service.js';
import { RoomActivityResolver } from './room-activity.resolver.js';
import { MessageWriter } from './message-writer.js';

@Module({
  imports: [AppsModule, RoomsModule, UsersModule, LiveModule, ModerationModule],
  providers: [MessagesRepository, MessagesService, MessageWriter, MessagesResolver, RoomActivityResolver],
  exports: [MessagesService],
})
export class MessagesModule {}
