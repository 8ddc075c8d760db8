import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { UsersModule } from '../users/users.module.js';
import { ConversationRoutes } from './routes/conversation.routes.js';
import { TalkerConversationsService } from './talker-conversations.service.js';

/** The conversation half of the talker API: its service and routes (TalkerModule lists the routes and runs the bridge). */
@Module({
  imports: [UsersModule, RoomsModule, MessagesModule],
  providers: [TalkerConversationsService, ConversationRoutes],
  exports: [TalkerConversationsService, ConversationRoutes, UsersModule, RoomsModule, MessagesModule],
})
export class TalkerChatModule {}
