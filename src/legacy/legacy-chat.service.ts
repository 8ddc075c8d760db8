import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Socket } from 'socket.io';
import { AppsService } from '../apps/apps.service.js';
import { OpenSession, OpenSessions, SessionTicket } from '../auth/open-sessions.js';
import type { ScopedPrincipal, UserPrincipal } from '../principal/principal.js';
import { PrincipalService } from '../auth/principal.service.js';
import { LOGGER } from '../common/logging/logging.module.js';
import { AppScope } from '../database/app-scope.js';
import { MessagesService } from '../messages/messages.service.js';
import { ChatError } from '../common/errors/chat-error.js';
import { BlocksService } from '../users/blocks.service.js';
import { ModerationService } from '../moderation/moderation.service.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import { PresenceService } from '../realtime/presence.service.js';
import { toUser, User } from '../users/user.model.js';
import { UserCache } from '../users/user.cache.js';
import { UsersService } from '../users/users.service.js';
import { MediaService } from '../media/media.service.js';
import {
  CLIENT_EVENTS, LEGACY_EVENTS, LEGACY_HISTORY_SIZE, LEGACY_MAX_TEXT, LegacyAckError, LegacyAuthData, LegacyMessage,
  blockersChannel, LegacyMuteEntry, LegacyUser, roomChannel, toLegacyError, toLegacyMessage, toLegacyMute, toLegacyUser, userChannel,
} from './legacy-protocol.js';
import { parseSlashCommand, SlashCommand } from './slash-commands.js';

/** An ack callback as the client sent it (or anything else the client put last). */
export type Ack = (...args: unknown[]) => void;

/**
 * Chat flood control is the app's own rate (per user per room, in MessagesService, the same for
 * every transport): past it, a system_message. Past ABUSE_RATE events per socket, far beyond any
 * chat, the socket is dropped.
 */
export const ABUSE_RATE = { points: 200, duration: 10 };

/**
 * What a socket is, kept on socket.data. No principal here: the guard lets socket events through,
 * and each event asks the socket's open session for its principal as of now (a copy kept from the
 * handshake would go stale on a role change or a revoke).
 */
interface SocketState {
  legacy?: { phase: 'authing' } | ReadySocket;
}

interface ReadySocket {
  phase: 'ready';
  scope: AppScope;
  lobbyId: string;
  /** The user as of auth (operations use the socket's session, as of now). */
  user: { principal: UserPrincipal; view: User } | null;
  /** Counted in presence: its disconnect is counted too. */
  counted?: boolean;
}

const stateOf = (socket: Socket) => socket.data as SocketState;

/**
 * The legacy protocol's rules, so the gateway stays thin: auth answered once, lobby state,
 * new_message with its checks, slash commands, presence, flood control, and client_error for
 * every way a client can disobey. Everything it does goes through the same services as GraphQL.
 */
@Injectable()
export class LegacyChatService {
  private readonly abuseLimiter = new RateLimiterMemory(ABUSE_RATE);
  /**
   * Each user socket's session (its credentials checked while it lives). Not on socket.data:
   * the Redis adapter's fetchSockets sends socket.data to other instances as JSON.
   */
  private readonly sessions = new WeakMap<Socket, OpenSession<UserPrincipal>>();

  constructor(
    private readonly principals: PrincipalService,
    private readonly openSessions: OpenSessions,
    private readonly apps: AppsService,
    private readonly users: UsersService,
    private readonly userCache: UserCache,
    private readonly messages: MessagesService,
    private readonly moderation: ModerationService,
    private readonly blocks: BlocksService,
    private readonly access: RoomAccessService,
    private readonly presence: PresenceService,
    private readonly media: MediaService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** A new socket: unknown events get a client_error; any event counts toward the abuse limit. */
  connected(socket: Socket): void {
    socket.onAny((event: unknown, ...args: unknown[]) => {
      this.abuseLimiter.consume(socket.id).catch(() => {
        if (!socket.connected) return;
        this.log.warn({ socket: socket.id }, 'legacy socket flooding events; disconnecting');
        socket.disconnect(true);
      });
      if (typeof event === 'string' && CLIENT_EVENTS.has(event)) return;
      clientError(socket, `Unknown event "${String(event).slice(0, 50)}": this server accepts auth and new_message`);
      const last = args[args.length - 1];
      if (typeof last === 'function') (last as Ack)('UNKNOWN_EVENT');
    });
  }

  async auth(socket: Socket, payload: unknown, ack: unknown): Promise<void> {
    if (typeof ack !== 'function') return clientError(socket, 'auth needs a callback: emit("auth", { app_id, hashed_token }, function (err, data) {})');
    const reply = ack as Ack;
    const state = stateOf(socket);
    if (state.legacy) {
      clientError(socket, 'auth is answered once per socket; open a new socket to authenticate again');
      return reply('ALREADY_AUTHENTICATED');
    }
    const input = parseAuthPayload(payload);
    if ('problem' in input) {
      clientError(socket, input.problem);
      return reply('INVALID_APP_ID');
    }
    if (input.tokenProblem) clientError(socket, input.tokenProblem);
    state.legacy = { phase: 'authing' };
    try {
      const ticket = this.openSessions.begin();
      const identity = await this.principals.resolveLegacy(input.appId, input.hashedToken);
      if (!identity) {
        delete state.legacy;
        clientError(socket, `app_id ${input.appId} names no app`);
        return reply('APP_NOT_FOUND');
      }
      const { scope } = identity;
      // The handshake named no app, so CORS let every origin in; the app's allowedOrigins decide here.
      const origin = socket.handshake.headers.origin;
      if (!(await this.apps.allowsOrigin(scope, origin))) {
        delete state.legacy;
        clientError(socket, `Origin ${JSON.stringify(origin)} is not allowed to use app ${scope.appId}: its allowedOrigins setting lists the sites whose pages may connect`);
        reply('ORIGIN_NOT_ALLOWED');
        // A server disconnect: old and new clients alike stay closed instead of reconnecting.
        socket.disconnect();
        return;
      }
      const lobbyId = await this.apps.lobbyId(scope);
      if (!socket.connected) return; // gone while we looked it up: nothing to join, nobody to tell
      const session = identity.user && this.watch(socket, ticket, input.hashedToken!, identity.user.principal);
      if (session?.ended) return; // expired since the check: told so (client_error) and disconnected
      const ready: ReadySocket = { phase: 'ready', scope, lobbyId, user: identity.user };
      state.legacy = ready;
      const banned = ready.user ? await this.isBanned(ready) : false;
      if (!banned) await socket.join(roomChannel(scope.appId, lobbyId));
      if (ready.user) {
        await socket.join(userChannel(scope.appId, ready.user.view.id));
        const blocked = await this.blocks.blockedBy(scope, ready.user.view.id);
        await socket.join([...blocked].map((id) => blockersChannel(scope.appId, id)));
        // Counted after joining its user channel, so the user_joined this may cause skips this
        // socket (`except`); and only while connected, in one synchronous step with the flag
        // that makes the disconnect count too.
        if (!socket.connected) return;
        ready.counted = true;
        await this.presence.connect(scope, ready.user.view.id);
      }
      reply(null, await this.lobbyState(ready));
    } catch (error) {
      if (state.legacy?.phase === 'authing') delete state.legacy; // not answered: the page may try again
      const { err, systemMessage: text } = toLegacyError(error);
      if (err === 'UNAVAILABLE') {
        systemMessage(socket, text!);
        return reply(err);
      }
      this.log.error({ err: error }, 'legacy auth failed');
      reply('INTERNAL_ERROR');
    }
  }

  async newMessage(socket: Socket, text: unknown, ack: unknown): Promise<void> {
    if (typeof ack !== 'function') return clientError(socket, 'new_message needs a callback: emit("new_message", text, function (err) {})');
    const reply = ack as Ack;
    const state = stateOf(socket).legacy;
    if (!state || state.phase !== 'ready') {
      clientError(socket, 'Send auth (and wait for its answer) before new_message');
      return reply('USER_REQUIRED');
    }
    if (!state.user) return reply('USER_REQUIRED');
    // Authorised as of now: revoked, expired or deleted since auth, the socket is being closed (with a client_error saying why).
    const caller = await this.sessions.get(socket)?.current();
    if (!caller) return reply('USER_REQUIRED');
    if (typeof text !== 'string') {
      clientError(socket, `new_message text must be a string, not ${describeType(text)}`);
      return reply('INVALID_TEXT');
    }
    const trimmed = text.trim();
    const length = [...trimmed].length;
    if (length < 1 || length > LEGACY_MAX_TEXT) {
      clientError(socket, `new_message text must be 1-${LEGACY_MAX_TEXT} characters after trimming (got ${length})`);
      return reply('INVALID_TEXT');
    }
    const command = parseSlashCommand(trimmed);
    if (command) return this.runCommand(socket, state, caller, command, reply);
    try {
      await this.messages.send(caller, state.lobbyId, { text: trimmed });
      reply();
    } catch (error) {
      this.answerError(socket, reply, error);
    }
  }

  /** The socket went: one connection less (the user's last one is announced by presence). */
  async disconnected(socket: Socket): Promise<void> {
    const state = stateOf(socket).legacy;
    this.sessions.get(socket)?.forget();
    if (state?.phase !== 'ready' || !state.user || !state.counted) return;
    await this.presence.disconnect(state.scope, state.user.view.id).catch((error) => this.log.warn({ err: error }, 'could not count a legacy disconnect'));
  }

  /**
   * Keeps the socket's hashed_token checked while the socket lives: revoked, expired or its user
   * deleted, the socket gets a client_error saying so and is disconnected.
   */
  private watch(socket: Socket, ticket: SessionTicket, hashedToken: string, principal: UserPrincipal): OpenSession<UserPrincipal> {
    const session = this.openSessions.open(ticket, {
      principal,
      verify: () => this.principals.recheckLegacy(principal, hashedToken),
      close: (end) => {
        clientError(socket, end.message);
        socket.disconnect(true);
      },
    });
    this.sessions.set(socket, session);
    return session;
  }

  /** The command's outcome goes back as a system_message; the ack carries no error unless we failed. */
  private async runCommand(socket: Socket, state: ReadySocket, caller: UserPrincipal, command: SlashCommand, reply: Ack): Promise<void> {
    try {
      systemMessage(socket, await this.commandOutcome(state, caller, command));
      reply();
    } catch (error) {
      const { err, systemMessage: text, expected } = toLegacyError(error);
      if (!expected) {
        this.log.error({ err: error }, 'legacy slash command failed');
        return reply('INTERNAL_ERROR');
      }
      systemMessage(socket, text ?? 'Not allowed');
      // A refusal is the command's answer; an outage means it did not run, and the client may retry.
      if (err === 'UNAVAILABLE') return reply(err);
      reply();
    }
  }

  private async commandOutcome(state: ReadySocket, caller: UserPrincipal, command: SlashCommand): Promise<string> {
    if (command.kind === 'invalid') return command.reply;
    const target = await this.users.findByUname(state.scope, command.uname);
    if (!target) return `User "${command.uname}" not found`;
    if (command.kind === 'mute') {
      await this.moderation.mute(caller, state.lobbyId, target.id, command.minutes);
      return `${target.uname} was muted for ${command.minutes} min`;
    }
    await this.moderation.unmute(caller, state.lobbyId, target.id);
    return `${target.uname} was unmuted`;
  }

  private answerError(socket: Socket, reply: Ack, error: unknown) {
    const { err, systemMessage: text, expected } = toLegacyError(error);
    if (!expected) this.log.error({ err: error }, 'legacy new_message failed');
    if (text) systemMessage(socket, text);
    reply(err as LegacyAckError);
  }

  private async lobbyState(ready: ReadySocket): Promise<LegacyAuthData> {
    const [users, history, mutes] = await Promise.all([
      this.onlineUsers(ready.scope), this.history(ready), this.moderation.activeMutes(ready.scope, ready.lobbyId),
    ]);
    const muteList: Record<string, LegacyMuteEntry> = {};
    for (const mute of mutes) muteList[mute.user.uname.toLowerCase()] = toLegacyMute(mute);
    const room = { users, history, muteList };
    return ready.user ? { user: toLegacyUser(ready.user.view), room } : { room };
  }

  private async onlineUsers(scope: AppScope): Promise<Record<string, LegacyUser>> {
    const rows = await this.userCache.getMany(scope, await this.presence.onlineUserIds(scope));
    return Object.fromEntries(rows.map((row) => [row.uname, toLegacyUser(toUser(row))]));
  }

  /** Whether the socket's user is banned from the lobby now (they get no lobby traffic then). */
  private async isBanned(ready: ReadySocket): Promise<boolean> {
    return this.access.assertNotBanned(ready.user!.principal, ready.lobbyId).then(() => false, (error: unknown) => {
      if (error instanceof ChatError && error.code === 'BANNED') return true;
      throw error;
    });
  }

  /** The last 100 lobby messages with authors, oldest first; deleted ones and blocked authors left out (none while banned). */
  private async history(ready: ReadySocket): Promise<LegacyMessage[]> {
    if (ready.user && (await this.isBanned(ready))) return [];
    // The lobby is OPEN and the protocol lets every socket read it, anonymous ones too: read it
    // as the user when there is one, else on behalf of the app that owns it.
    const reader: ScopedPrincipal = ready.user?.principal ?? { kind: 'app', scope: ready.scope };
    const collected: LegacyMessage[] = [];
    let before: string | null = null;
    for (;;) {
      const page = await this.messages.page(reader, { roomId: ready.lobbyId, before, limit: LEGACY_HISTORY_SIZE });
      const kept = page.nodes.map((m) => toLegacyMessage(m, (file) => this.media.signForLegacy(ready.scope.appId, file))).filter((m): m is LegacyMessage => m !== null);
      collected.unshift(...kept);
      if (collected.length >= LEGACY_HISTORY_SIZE || !page.hasMore || page.nodes.length === 0) break;
      before = page.nodes[0].id;
    }
    return collected.slice(-LEGACY_HISTORY_SIZE);
  }
}

function clientError(socket: Socket, message: string): void {
  socket.emit(LEGACY_EVENTS.clientError, message);
}

function systemMessage(socket: Socket, message: string): void {
  socket.emit(LEGACY_EVENTS.systemMessage, message);
}

const describeType = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);

type AuthInput = { appId: string; hashedToken: string | null; tokenProblem: string | null } | { problem: string };

/** {app_id: Integer (or its decimal string), hashed_token?: String}; token_hash is the old name. */
function parseAuthPayload(payload: unknown): AuthInput {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { problem: `auth payload must be an object { app_id, hashed_token }, not ${describeType(payload)}` };
  }
  const body = payload as Record<string, unknown>;
  const raw = body.app_id;
  const appId = typeof raw === 'number' && Number.isSafeInteger(raw) && raw > 0 ? String(raw)
    : typeof raw === 'string' && /^[1-9]\d{0,15}$/.test(raw) ? raw : null;
  if (appId === null) {
    return { problem: raw === undefined || raw === null ? 'auth needs app_id (an integer)' : `app_id must be a positive integer, not ${describeType(raw)} ${JSON.stringify(raw)?.slice(0, 40) ?? ''}`.trim() };
  }
  const token = body.hashed_token ?? body.token_hash ?? null;
  if (token !== null && typeof token !== 'string') {
    return { appId, hashedToken: null, tokenProblem: `hashed_token must be a string, not ${describeType(token)}; continuing without a user` };
  }
  return { appId, hashedToken: token, tokenProblem: null };
}
