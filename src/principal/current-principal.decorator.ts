import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { carrierOf } from './principal-holder.js';

/** The caller, as resolved by the AuthGuard: works in GraphQL HTTP, graphql-ws and Socket.IO alike. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext) => carrierOf(ctx).principal ?? null);
