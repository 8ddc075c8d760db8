import { Injectable } from '@nestjs/common';
import { TALKER_CONTENT_TYPES, TalkerContentType } from '../talker-messeage.js';
import { TalkerCaller, TalkerContext, TalkerError, TalkerRoute } from '../talker-route.js';
import { SendMesseage, TalkerConversationsService } from '../talker-conversations.service.js';

const bad = (message: string) => new TalkerError('BAD_REQUEST', 400, message);
const ID = /^[1-9]\d{0,15}$/;
const MAX_TEXT = 16 * 1024 * 1024;
const MAX_QUERY = 200;

/** The payload as an object (a socket event may send anything; a GET query is strings). */
function fields(raw: unknown): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw bad('The payload must be an object');
  return raw as Record<string, unknown>;
}

/** An id: a positive integer, or its decimal string (query strings); as our string id. */
function id(raw: Record<string, unknown>, name: string): string;
function id(raw: Record<string, unknown>, name: string, optional: true): string | null;
function id(raw: Record<string, unknown>, name: string, optional = false): string | null {
  const value = raw[name];
  if ((value === undefined || value === null || value === '') && optional) return null;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  if (typeof value === 'string' && ID.test(value)) return value;
  throw bad(`${name} must be a positive integer id`);
}

function text(raw: Record<string, unknown>, name: string, max: number): string {
  const value = raw[name];
  if (typeof value !== 'string') throw bad(`${name} must be a string`);
  if (value.length > max) throw bad(`${name} must be at most ${max} characters`);
  return value;
}

function contentType(raw: Record<string, unknown>): TalkerContentType {
  const value = raw.content_type;
  if (typeof value === 'string' && (TALKER_CONTENT_TYPES as readonly string[]).includes(value)) return value as TalkerContentType;
  throw bad(`content_type must be one of ${TALKER_CONTENT_TYPES.join(', ')}`);
}

/** The dispatcher fills caller for routes marked auth; a route reached without one is refused all the same. */
function callerOf(ctx: TalkerContext): TalkerCaller {
  if (!ctx.caller) throw new TalkerError('NOT_LOGGED_IN', 401, 'Log in first');
  return ctx.caller;
}

/**
 * The conversation half of the talker API (seed names, spelling included): the socket events
 * `messeage`, `read`, `type`, `block_user`, `unlock_user` (answered through server events) and
 * the slash routes `/blocked/users`, `/contacts`, `/messeages`, `/search/messeages`.
 */
@Injectable()
export class ConversationRoutes {
  constructor(private readonly conversations: TalkerConversationsService) {}

  routes(): TalkerRoute[] {
    const c = this.conversations;
    return [
      route({
        name: 'messeage', serve: 'socket', auth: true,
        parse: (raw): SendMesseage => {
          const o = fields(raw);
          return { toId: id(o, 'to_id'), content: text(o, 'content', MAX_TEXT), contentType: contentType(o) };
        },
        // The message reaches both sides as the server event `messeage` (the bridge); the ack, when given, gets it too.
        handle: (p, ctx) => c.send(callerOf(ctx), p, ctx.base),
      }),
      route({
        name: 'read', serve: 'socket', auth: true,
        parse: (raw) => id(fields(raw), 'messeage_id'),
        handle: async (messageId, ctx) => { await c.read(callerOf(ctx), messageId); return undefined; },
      }),
      route({
        name: 'type', serve: 'socket', auth: true,
        parse: (raw) => id(fields(raw), 'to_id'),
        handle: async (toId, ctx) => { await c.type(callerOf(ctx), toId); return undefined; },
      }),
      route({
        name: 'block_user', serve: 'socket', auth: true,
        parse: (raw) => id(fields(raw), 'blocked_id'),
        handle: async (userId, ctx) => { await c.block(callerOf(ctx), userId); return undefined; },
      }),
      route({
        name: 'unlock_user', serve: 'socket', auth: true,
        parse: (raw) => id(fields(raw), 'blocked_id'),
        handle: async (userId, ctx) => { await c.unblock(callerOf(ctx), userId); return undefined; },
      }),
      route({
        name: '/blocked/users', serve: 'both', auth: true,
        parse: (raw) => { fields(raw); return null; },
        handle: (_p, ctx) => c.blockedUsers(callerOf(ctx)),
      }),
      route({
        name: '/contacts', serve: 'both', auth: true,
        parse: (raw) => { fields(raw); return null; },
        handle: (_p, ctx) => c.contacts(callerOf(ctx), ctx.base),
      }),
      route({
        name: '/messeages', serve: 'both', auth: true,
        parse: (raw) => { const o = fields(raw); return { withId: id(o, 'with_id'), before: id(o, 'from_messeage', true) }; },
        handle: (p, ctx) => c.history(callerOf(ctx), p.withId, p.before, ctx.base),
      }),
      route({
        name: '/search/messeages', serve: 'both', auth: true,
        parse: (raw) => {
          const o = fields(raw);
          const query = text(o, 'messeage', MAX_QUERY).trim();
          if (query === '') throw bad('messeage must not be blank');
          return { withId: id(o, 'talker_id'), query };
        },
        handle: (p, ctx) => c.search(callerOf(ctx), p.withId, p.query, ctx.base),
      }),
    ];
  }
}

/** Checks handle's params against parse's result, then lists it with the others (the dispatcher hands handle what parse returned). */
const route = <P, R>(r: TalkerRoute<P, R>): TalkerRoute => r as unknown as TalkerRoute;
