import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { UsersModule } from '../users/users.module.js';
import { TalkerConversationsService } from './talker-conversations.service.js';

/** The conversation half of the talker API: its service (TalkerModule lists its routes, ConversationRoutes, and runs the bridge over its sockets). */
@Module({
  imports: [UsersModule, RoomsModule, MessagesModule],
  providers: [TalkerConversationsService],
  exports: [TalkerConversationsService, UsersModule, RoomsModule, MessagesModule],
})
export class TalkerChatModule {}
