import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { AccountRoutes } from './routes/account.routes.js';
import { TalkerController } from './talker.controller.js';
import { TalkerDispatcher } from './talker-dispatcher.js';
import { TalkerGateway } from './talker.gateway.js';
import { TalkerLogins } from './talker-logins.js';
import { TALKER_ROUTES } from './talker-route.js';
import { TalkerRouteProvider, TalkerRoutes } from './talker-routes.js';
import { TalkerSockets } from './talker-sockets.js';

/** Every class contributing talker routes (TalkerRouteProvider): add yours here. */
const ROUTE_PROVIDERS = [AccountRoutes];

/** The talker API: the /talker Socket.IO namespace and HTTP routes over the accounts (and conversations). */
@Module({
  imports: [AccountsModule, AuthModule],
  controllers: [TalkerController],
  providers: [
    ...ROUTE_PROVIDERS,
    { provide: TALKER_ROUTES, inject: ROUTE_PROVIDERS, useFactory: (...providers: TalkerRouteProvider[]) => providers.flatMap((p) => p.routes()) },
    TalkerRoutes, TalkerDispatcher, TalkerLogins, TalkerSockets, TalkerGateway,
  ],
  exports: [TalkerSockets, AccountsModule],
})
export class TalkerModule {}
