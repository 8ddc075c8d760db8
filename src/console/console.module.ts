import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { GRAPHQL_PATH } from '../graphql/graphql-api.module.js';
import { MailModule } from '../mail/mail.module.js';
import { UsersModule } from '../users/users.module.js';
import { ConsoleAssets } from './console-assets.js';
import { ConsoleOperator } from './console-operator.js';
import { ConsoleController } from './console.controller.js';
import { DemoSetupController } from './demo-setup.controller.js';
import { DemoSetupService } from './demo-setup.service.js';
import { GraphiqlMiddleware } from './graphiql.middleware.js';
import { RecentMailsController } from './recent-mails.controller.js';

/**
 * The web console on the API's port: `/`, `/demo/legacy`, `/demo/graphql`, the GraphQL IDE on
 * GET /graphql for browsers, and (development only, with the operator key) POST /demo/setup and
 * GET /console/mails (the home page's "Recent mails" panel). Every asset comes from this
 * server (allow-listed files of this folder and of npm packages).
 */
@Module({
  imports: [AppsModule, UsersModule, MailModule],
  controllers: [ConsoleController, DemoSetupController, RecentMailsController],
  providers: [ConsoleAssets, ConsoleOperator, DemoSetupService, GraphiqlMiddleware],
})
export class ConsoleModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // Nest mounts module middleware before GraphQLModule mounts Apollo on the same path.
    consumer.apply(GraphiqlMiddleware).forRoutes({ path: GRAPHQL_PATH.slice(1), method: RequestMethod.GET });
  }
}
