import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { forbidden, unauthenticated } from '../common/errors/chat-error.js';
import { ALLOW_KEY, PUBLIC_KEY } from '../principal/allow.decorator.js';
import { carrierOf } from '../principal/principal-holder.js';
import { credentialsFrom, Principal, PrincipalKind } from '../principal/principal.js';
import { PrincipalService } from './principal.service.js';

/**
 * The one guard, for every transport. Deny by default: a handler must say who may call it with
 * @Allow(...). The principal is resolved once per request (or per graphql-ws connection, at
 * connect) and kept on the transport's carrier for @CurrentPrincipal().
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly rules = new WeakMap<object, WeakMap<object, Rule>>();

  constructor(private readonly reflector: Reflector, private readonly principals: PrincipalService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    // The legacy Socket.IO protocol authenticates with its own `auth` event and must answer
    // refusals in protocol terms (client_error, USER_REQUIRED), never with a guard exception;
    // its gateway checks every event itself (src/legacy/legacy-chat.service.ts).
    if (ctx.getType() === 'ws') return true;
    const { open, allowed } = this.ruleOf(ctx);
    if (open) return true;
    if (!allowed) throw forbidden('This operation is not open to any caller');
    const principal = await this.principalOf(ctx);
    if (!principal) throw unauthenticated();
    if (!allowed.includes(principal.kind)) throw forbidden(`Only ${allowed.map(describe).join(' or ')} may do this`);
    return true;
  }

  /** @Public / @Allow of the handler (or its class), read once per class and handler. */
  private ruleOf(ctx: ExecutionContext): Rule {
    const [handler, owner] = [ctx.getHandler(), ctx.getClass()];
    let ofClass = this.rules.get(owner);
    if (!ofClass) this.rules.set(owner, (ofClass = new WeakMap()));
    let rule = ofClass.get(handler);
    if (!rule) {
      const targets = [handler, owner];
      rule = {
        open: Boolean(this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)),
        allowed: this.reflector.getAllAndOverride<PrincipalKind[] | undefined>(ALLOW_KEY, targets) ?? null,
      };
      ofClass.set(handler, rule);
    }
    return rule;
  }

  private async principalOf(ctx: ExecutionContext): Promise<Principal | null> {
    const carrier = carrierOf(ctx) as { principal?: Principal | null; req?: { headers: Record<string, unknown> } };
    if (carrier.principal !== undefined) return carrier.principal;
    const headers = carrier.req?.headers ?? (carrier as { headers?: Record<string, unknown> }).headers;
    const principal = await this.principals.resolve(credentialsFrom(headers));
    carrier.principal = principal;
    return principal;
  }
}

interface Rule { open: boolean; allowed: PrincipalKind[] | null }

const describe = (kind: PrincipalKind) =>
  ({ operator: 'the operator (x-admin-key)', app: 'the app backend (x-app-id + x-app-secret)', user: 'a user (Bearer token)' })[kind];
