import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { MediaModule } from '../media/media.module.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { UsersModule } from '../users/users.module.js';
import { FloodControlService } from './flood-control.service.js';
import { MessagesRepository } from './messages.repository.js';
import { MessagesResolver } from './messages.resolver.js';
import { MessagesService } from './messages.service.js';
import { RoomActivityResolver } from './room-activity.resolver.js';
import { MessageWriter } from './message-writer.js';
import { PreSendHookService } from './pre-send-hook.service.js';

@Module({
  imports: [AppsModule, RoomsModule, UsersModule, MediaModule],
  providers: [MessagesRepository, MessagesService, MessageWriter, FloodControlService, PreSendHookService, MessagesResolver, RoomActivityResolver],
  exports: [MessagesService, MessagesRepository, MessageWriter, MediaModule],
})
export class MessagesModule {}
