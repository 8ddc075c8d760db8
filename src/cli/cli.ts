import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppsService } from '../apps/apps.service.js';
import { TokensService } from '../auth/tokens.service.js';
import { ChatError } from '../common/errors/chat-error.js';
import { isIntegerId } from '../common/graphql/id.args.js';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { scopeOf } from '../database/app-scope.js';
import { UNAME_PATTERN } from '../users/create-user.input.js';
import { UserRole } from '../users/user.model.js';
import { UsersService } from '../users/users.service.js';
import { CliModule } from './cli.module.js';

const USAGE = `Usage: npm run cli -- <command> [arguments]

  app:create <name>                       create an app (and its lobby); prints its id and secret
  app:list                                list apps
  app:rotate-secret <appId>               new secret for an app; old tokens stop working
  user:create <appId> <uname> [role]      create a user (role: MEMBER, MOD, ADMIN, OWNER)
  user:token <appId> <userId> [hours]     issue a user token (default 24 hours)

Uses the same DATABASE_URL as the server. Output is JSON on stdout.`;

type Command = (ctx: INestApplicationContext, args: string[]) => Promise<unknown>;

const appIdArg = (value: string | undefined) => {
  if (!value || !isIntegerId(value)) throw new ChatError('BAD_USER_INPUT', 'appId must be an integer id');
  return value;
};

const commands: Record<string, Command> = {
  'app:create': async (ctx, [name]) => {
    if (!name?.trim()) throw new ChatError('BAD_USER_INPUT', 'app:create needs a name');
    const created = await ctx.get(AppsService).create(name);
    const lobby = await ctx.get(AppsService).lobby(scopeOf(created.app.id));
    return { id: created.app.id, name: created.app.name, secret: created.secret, lobbyId: lobby.id };
  },
  'app:list': async (ctx) => ctx.get(AppsService).list(0, 1000),
  'app:rotate-secret': async (ctx, [appId]) => {
    const rotated = await ctx.get(AppsService).rotateSecret(appIdArg(appId));
    return { id: rotated.app.id, secret: rotated.secret };
  },
  'user:create': async (ctx, [appId, uname, role = 'MEMBER']) => {
    if (!uname || !UNAME_PATTERN.test(uname)) throw new ChatError('BAD_USER_INPUT', 'uname must be 1–32 letters, digits, _, - or .');
    if (!(role in UserRole)) throw new ChatError('BAD_USER_INPUT', 'role must be MEMBER, MOD, ADMIN or OWNER');
    await ctx.get(AppsService).require(scopeOf(appIdArg(appId)));
    return ctx.get(UsersService).create(scopeOf(appIdArg(appId)), { uname, role: role as UserRole });
  },
  'user:token': async (ctx, [appId, userId, hours = '24']) => {
    const lifetime = Number(hours);
    if (!Number.isFinite(lifetime) || lifetime <= 0) throw new ChatError('BAD_USER_INPUT', 'hours must be a positive number');
    if (!userId || !isIntegerId(userId)) throw new ChatError('BAD_USER_INPUT', 'userId must be an integer id');
    return ctx.get(TokensService).issue(scopeOf(appIdArg(appId)), userId, new Date(Date.now() + lifetime * 3600_000));
  },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.error(name && name !== '--help' ? `Unknown command "${name}".\n\n${USAGE}` : USAGE);
    return name && name !== '--help' ? 2 : 0;
  }
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const ctx = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: ['error'] });
  try {
    console.log(JSON.stringify(await command(ctx, args), null, 2));
    return 0;
  } finally {
    await ctx.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof ChatError || error instanceof ConfigError ? error.message : `Failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
