import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AccountsModule } from '../accounts/accounts.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { AccountRoutes } from './routes/account.routes.js';
import { ConversationRoutes } from './routes/conversation.routes.js';
import { TalkerChatModule } from './talker-chat.module.js';
import { TalkerEventBridge, TalkerSocketDirectory } from './talker-event.bridge.js';
import { GatewaySocketDirectory } from './talker-socket-directory.js';
import { TalkerBodyFilter } from './talker-body.filter.js';
import { TalkerController } from './talker.controller.js';
import { TalkerDispatcher } from './talker-dispatcher.js';
import { TalkerGateway } from './talker.gateway.js';
import { TalkerLogins } from './talker-logins.js';
import { TALKER_ROUTES } from './talker-route.js';
import { TalkerRouteProvider, TalkerRoutes } from './talker-routes.js';
import { TalkerSockets } from './talker-sockets.js';

/** Every class contributing talker routes (TalkerRouteProvider): add yours here. */
const ROUTE_PROVIDERS = [AccountRoutes, ConversationRoutes];

/** The talker API: the /talker Socket.IO namespace and HTTP routes over the accounts (and conversations). */
@Module({
  imports: [AccountsModule, AuthModule, TalkerChatModule],
  controllers: [TalkerController],
  providers: [
    ...ROUTE_PROVIDERS,
    { provide: TALKER_ROUTES, inject: ROUTE_PROVIDERS, useFactory: (...providers: TalkerRouteProvider[]) => providers.flatMap((p) => p.routes()) },
    TalkerRoutes, TalkerDispatcher, TalkerLogins, TalkerSockets, TalkerGateway,
    { provide: TalkerSocketDirectory, useClass: GatewaySocketDirectory }, TalkerEventBridge,
    { provide: APP_FILTER, useClass: TalkerBodyFilter },
  ],
  exports: [TalkerSockets, AccountsModule],
})
export class TalkerModule {}
