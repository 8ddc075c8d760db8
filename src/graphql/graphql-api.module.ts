import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule, GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import { ExecutionResult, GraphQLError } from 'graphql';
import type { Context } from 'graphql-ws';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { CLOSE_FORBIDDEN, CLOSE_UNAUTHORIZED, OpenSession, OpenSessions } from '../auth/open-sessions.js';
import { credentialsFrom, Principal, ScopedPrincipal } from '../principal/principal.js';
import { PrincipalService } from '../auth/principal.service.js';
import { PresenceService } from '../realtime/presence.service.js';
import { sharedSubscribe } from './shared-subscribe.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ChatError } from '../common/errors/chat-error.js';
import { DocumentCache } from './document-cache.js';
import { queryLimitChecks } from './query-limits.js';
import { AppConfig } from '../config/app-config.js';
import { createGraphqlErrorFormatter } from '../common/errors/graphql-error.formatter.js';
import { LOGGER } from '../common/logging/logging.module.js';

export const GRAPHQL_PATH = '/graphql';

/** What graphql-ws keeps per connection: the principal resolved at connection_init, and its session. */
export interface WsExtra {
  socket: WebSocket;
  /** As resolved at connection_init (who the connection is, for presence); operations use session. */
  principal?: Principal;
  /** Keeps the connection's credentials checked for its whole life (src/auth/open-sessions.ts). */
  session?: OpenSession<ScopedPrincipal>;
  /** Counted as a live connection (metrics, presence): its close is counted too. */
  counted?: boolean;
}

type WsContext = Context<Record<string, unknown> | undefined, WsExtra>;

@Module({
  imports: [
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      inject: [PrincipalService, OpenSessions, PresenceService, MetricsService, LOGGER, AppConfig],
      useFactory: (principals: PrincipalService, sessions: OpenSessions, presence: PresenceService, metrics: MetricsService, log: Logger, config: AppConfig) => {
        const formatError = createGraphqlErrorFormatter(log);
        // One set of query limits for both transports: Apollo's parse and validation (HTTP), the document cache (graphql-ws).
        const limits = queryLimitChecks(config.queryLimits);
        const documents = new DocumentCache(limits);
        const formatResult = (result: ExecutionResult) => ({
          ...result,
          errors: result.errors?.map((e: GraphQLError) => formatError(e.toJSON(), e)),
        });
        return {
          path: GRAPHQL_PATH,
          autoSchemaFile: true,
          sortSchema: true,
          introspection: true,
          playground: false,
          // No HTTP cache hints are used: the cache-control plugin would otherwise wrap every field
          // resolver. The browser IDE is ours (src/console), so Apollo's landing page is off too.
          plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginLandingPageDisabled()],
          csrfPrevention: true,
          parseOptions: limits.parseOptions,
          validationRules: limits.validationRules,
          formatError,
          context: ({ req }: { req: unknown }) => ({ req }),
          subscriptions: {
            // Nest's type lists only some graphql-ws options; the rest (context, onError) reach useServer as well.
            'graphql-ws': {
              path: GRAPHQL_PATH,
              parse: documents.parse,
              validate: documents.validate,
              subscribe: sharedSubscribe({ onExecute: (path) => metrics.subscriptionExecutions.inc({ path }) }),
              // Each operation is authorised as of now: the session's principal, kept current by the bus
              // (a changed role included); null once the credentials stopped working (the socket is closing).
              context: async (ctx: WsContext) => ({ principal: (await ctx.extra.session?.current()) ?? null, ws: ctx }),
              onConnect: async (ctx: WsContext) => {
                try {
                  const ticket = sessions.begin();
                  const credentials = credentialsFrom(ctx.connectionParams);
                  const principal = await principals.resolve(credentials);
                  if (!principal) return refuse(ctx, CLOSE_UNAUTHORIZED, 'Unauthorized: send connectionParams.authorization');
                  if (principal.kind === 'operator') return refuse(ctx, CLOSE_FORBIDDEN, 'Forbidden: no subscriptions for the operator');
                  ctx.extra.principal = principal;
                  // Closed while we checked the token: onClose already ran, so count nothing.
                  if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) return false;
                  ctx.extra.session = sessions.open<ScopedPrincipal>(ticket, {
                    principal,
                    verify: () => principals.resolve(credentials) as Promise<ScopedPrincipal>,
                    close: (end) => ctx.extra.socket.close(end.code, end.reason),
                  });
                  if (ctx.extra.session.ended) return false; // expired since the check: closed with 4401
                  ctx.extra.counted = true;
                  metrics.connections.inc({ transport: 'graphql-ws' });
                  if (principal.kind === 'user') await presence.connect(principal.scope, principal.userId);
                  return true;
                } catch (error) {
                  if (error instanceof ChatError && error.details?.reason === 'revoked') return refuse(ctx, CLOSE_FORBIDDEN, 'Forbidden: token revoked');
                  if (error instanceof ChatError) return refuse(ctx, CLOSE_UNAUTHORIZED, `Unauthorized: ${error.message}`);
                  log.error({ err: error }, 'graphql-ws connection check failed');
                  return refuse(ctx, 4500, 'Internal server error');
                }
              },
              // graphql-ws parses inside its message handler and closes the whole connection (4500)
              // on a syntax error; answer it as this operation's error instead.
              onSubscribe: (_ctx: WsContext, _id: string, payload: { query?: unknown }) => {
                try {
                  documents.parse(String(payload.query ?? '')); // cached: graphql-ws's own parse below hits the cache
                  return undefined;
                } catch (error) {
                  return [error instanceof GraphQLError ? error : new GraphQLError('Could not parse the operation')];
                }
              },
              // onClose, not onDisconnect: graphql-ws skips onDisconnect for a socket that closes
              // while onConnect is still running, which would leave it counted.
              onClose: async (ctx: WsContext) => {
                ctx.extra.session?.forget();
                if (!ctx.extra.counted) return;
                ctx.extra.counted = false;
                metrics.connections.dec({ transport: 'graphql-ws' });
                const principal = ctx.extra.principal;
                if (principal?.kind === 'user') {
                  await presence.disconnect(principal.scope, principal.userId).catch((error) => log.warn({ err: error }, 'could not count a graphql-ws disconnect'));
                }
              },
              onNext: (_ctx: unknown, _id: string, _payload: unknown, _args: unknown, result: ExecutionResult) =>
                result.errors ? formatResult(result) : undefined,
              onError: (_ctx: unknown, _id: string, _payload: unknown, errors: readonly GraphQLError[]) =>
                errors.map((e) => formatError(e.toJSON(), e)),
            } as GraphQLWsSubscriptionsConfig,
          },
        };
      },
    }),
  ],
})
export class GraphqlApiModule {}

/** Closes with our own code before graphql-ws would close with its generic 4403. */
function refuse(ctx: WsContext, code: number, reason: string): false {
  ctx.extra.socket.close(code, reason);
  return false;
}
