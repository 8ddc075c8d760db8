import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow } from '../principal/allow.decorator.js';
import { CurrentPrincipal } from '../principal/current-principal.decorator.js';
import type { AppPrincipal, ScopedPrincipal } from '../principal/principal.js';
import { AppSettingsView, UpdateAppSettingsInput } from './app-settings.model.js';
import { scopeOf } from '../database/app-scope.js';
import { IdArg } from '../common/graphql/id.args.js';
import { PageArgs, pageWindow } from '../common/graphql/page.args.js';
import { Room } from '../rooms/room.model.js';
import { App, AppPage, CreatedApp } from './app.model.js';
import { AppsService } from './apps.service.js';
import { CreateAppArgs } from './create-app.input.js';

@Resolver(() => App)
export class AppsResolver {
  constructor(private readonly service: AppsService) {}

  @Mutation(() => CreatedApp, { description: 'Operator: a new app, its lobby room and its secret.' })
  @Allow('operator')
  createApp(@Args() { name }: CreateAppArgs): Promise<CreatedApp> {
    return this.service.create(name);
  }

  @Query(() => AppPage, { description: 'Operator: every app, oldest first.' })
  @Allow('operator')
  apps(@Args() page: PageArgs): Promise<AppPage> {
    const { offset, limit } = pageWindow(page);
    return this.service.list(offset, limit);
  }

  @Mutation(() => CreatedApp, { description: 'Operator: a new secret for the app; the old one and tokens it signed stop working.' })
  @Allow('operator')
  rotateAppSecret(@IdArg('appId') appId: string): Promise<CreatedApp> {
    return this.service.rotateSecret(appId);
  }

  @Query(() => App, { description: 'The calling app (app backend) or the caller\'s app (user).' })
  @Allow('app', 'user')
  app(@CurrentPrincipal() caller: ScopedPrincipal): Promise<App> {
    return this.service.require(caller.scope);
  }

  @Query(() => AppSettingsView, { description: 'The app\'s rules: text limit, flood control, duplicates, word filter, origins.' })
  @Allow('app')
  appSettings(@CurrentPrincipal() caller: AppPrincipal): Promise<AppSettingsView> {
    return this.service.settings(caller.scope) as Promise<AppSettingsView>;
  }

  @Mutation(() => AppSettingsView)
  @Allow('app')
  updateAppSettings(@CurrentPrincipal() caller: AppPrincipal, @Args('input') input: UpdateAppSettingsInput): Promise<AppSettingsView> {
    return this.service.updateSettings(caller.scope, input) as Promise<AppSettingsView>;
  }

  @ResolveField(() => Room, { description: 'The app\'s lobby: the OPEN room legacy chatboxes live in.' })
  lobby(@Parent() app: App): Promise<Room> {
    return this.service.lobby(scopeOf(app.id));
  }
}
