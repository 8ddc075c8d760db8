import { ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { Principal } from './principal.js';

/**
 * Where each transport keeps the principal of the call, so handlers never touch req, extra or
 * socket.data: the GraphQL context (HTTP and graphql-ws), the HTTP request, the socket's data.
 */
export interface PrincipalCarrier {
  principal?: Principal | null;
}

export function carrierOf(ctx: ExecutionContext): PrincipalCarrier {
  const type = ctx.getType<'http' | 'ws' | 'graphql'>();
  if (type === 'graphql') return GqlExecutionContext.create(ctx).getContext<PrincipalCarrier>();
  if (type === 'ws') return ctx.switchToWs().getClient<{ data: PrincipalCarrier }>().data;
  return ctx.switchToHttp().getRequest<PrincipalCarrier>();
}
