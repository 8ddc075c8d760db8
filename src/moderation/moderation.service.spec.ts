import { EventOutbox } from '../realtime/event-outbox.js';
import type { Logger } from 'pino';
import type { ScopedPrincipal } from '../principal/principal.js';
import { ChatError } from '../common/errors/chat-error.js';
import { AppScope, scopeOf } from '../database/app-scope.js';
import { UnitOfWork } from '../database/transaction.js';
import { EventBus } from '../realtime/event-bus.js';
import { MembersRepository } from '../rooms/members.repository.js';
import { RoomAccessCache } from '../rooms/room-access.cache.js';
import { SanctionsCache } from '../rooms/sanctions.cache.js';
import { RoomsService } from '../rooms/rooms.service.js';
import { BansRepository } from '../rooms/bans.repository.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import { RoomsRepository } from '../rooms/rooms.repository.js';
import { UserEntity, UserRoleValue } from '../users/user.entity.js';
import { UserCache } from '../users/user.cache.js';
import { UsersRepository } from '../users/users.repository.js';
import { UsersService } from '../users/users.service.js';
import { strictFake } from '../../test/support/strict-fake.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { ModerationService } from './moderation.service.js';
import { MutesRepository } from '../rooms/mutes.repository.js';

const scope = scopeOf('3');
const ROOM = '40';
const ROLES: UserRoleValue[] = ['MEMBER', 'MOD', 'ADMIN', 'OWNER'];

const userRow = (id: string, role: UserRoleValue): UserEntity => ({
  id, appId: '3', externalId: null, uname: `u${id}`, unameKey: `u${id}`, displayName: null, role, isBot: false, meta: null,
  tokensValidAfter: null, createdAt: new Date(0), updatedAt: new Date(0),
});
// One user per role (ids 1–4), a second of each (ids 11–14), and two plain members who manage the room (21, 22).
const USERS = new Map<string, UserEntity>([
  ...ROLES.map((role, i) => [String(i + 1), userRow(String(i + 1), role)] as const),
  ...ROLES.map((role, i) => [String(i + 11), userRow(String(i + 11), role)] as const),
  ['21', userRow('21', 'MEMBER')], ['22', userRow('22', 'MEMBER')],
]);
const MANAGERS = new Set(['21', '22']);

const asApp: ScopedPrincipal = { kind: 'app', scope };
const asUser = (id: string): ScopedPrincipal => ({ kind: 'user', scope, userId: id, role: USERS.get(id)!.role, tokenId: 'j', expiresAt: new Date(Date.now() + 3_600_000) });

function setup(running: { endsAt: Date } | null = null) {
  const rooms = strictFake<RoomsRepository>('RoomsRepository', { findById: async (_: unknown, id: string) => (id === ROOM ? { id: ROOM, type: 'OPEN' } : null) });
  const members = strictFake<MembersRepository>('MembersRepository', {
    find: async (_: unknown, _room: string, userId: string) => (MANAGERS.has(userId) ? { userId, role: 'MANAGER' } : null),
  });
  const users = strictFake<UsersRepository>('UsersRepository', { findById: async (_: unknown, id: string) => USERS.get(id) ?? null });
  const mutes = strictFake<MutesRepository>('MutesRepository', {
    upsert: async () => undefined, findActive: async () => running, delete: async () => (running ? 1 : 0),
  });
  const audit = strictFake<AuditLogRepository>('AuditLogRepository', { append: async () => undefined });
  const events = strictFake<EventBus>('EventBus', { publish: async () => undefined });
  const uow = strictFake<UnitOfWork>('UnitOfWork', { run: async (work: (tx: unknown) => Promise<unknown>) => work('tx') });
  const sanctions = strictFake<SanctionsCache>('SanctionsCache', { ban: async () => null, mutedUntil: async () => null });
  // The cache reads straight through to the fakes above (no bus: nothing changes during a test).
  const cache = strictFake<RoomAccessCache>('RoomAccessCache', {
    room: (scope: AppScope, id: string) => rooms.findById(scope, id), member: (scope: AppScope, room: string, user: string) => members.find(scope, room, user),
  });
  const userCache = strictFake<UserCache>('UserCache', { get: (scope: AppScope, id: string) => users.findById(scope, id) });
  const access = new RoomAccessService(rooms, members, userCache, sanctions, cache);
  const usersService = strictFake<UsersService>('UsersService', { changed: async () => undefined });
  return { mutes, audit, events, service: new ModerationService(mutes, strictFake<BansRepository>('BansRepository'), audit, users, members, access, strictFake<RoomsService>('RoomsService'), events, noWebhooks(), uow, usersService) };
}

/** No recorder: the outbox records nothing. */
function noWebhooks() {
  return new EventOutbox(strictFake<Logger>('Logger'));
}

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'ok', (e: ChatError) => e.code);

describe('ModerationService.mute', () => {
  it('lets the app backend mute anyone, even an owner, and records and announces it without an actor', async () => {
    const { service, mutes, audit, events } = setup();
    const event = await service.mute(asApp, ROOM, '4', 30, '  spam  ');
    expect(event).toMatchObject({ type: 'MUTED', roomId: ROOM, user: { id: '4' }, actor: null, reason: 'spam' });
    expect(event.mutedUntil!.getTime() - Date.now()).toBeGreaterThan(30 * 60_000 - 2000);
    expect(mutes.upsert).toHaveBeenCalledWith(scope, expect.objectContaining({ roomId: ROOM, userId: '4', mutedBy: null, minutes: 30, reason: 'spam' }), 'tx');
    expect(audit.append).toHaveBeenCalledWith(scope, expect.objectContaining({ actorKind: 'APP', actorUserId: null, action: 'MUTE', targetUserId: '4', reason: 'spam' }), 'tx');
    expect(events.publish).toHaveBeenCalledWith({ type: 'membership.changed', appId: '3', roomId: ROOM, change: event });
  });

  // [caller id, target id, allowed]
  it.each([
    ['1', '11', false, 'a member on a member'],
    ['2', '1', true, 'a mod on a member'],
    ['2', '12', false, 'a mod on a mod'],
    ['2', '3', false, 'a mod on an admin'],
    ['3', '2', true, 'an admin on a mod'],
    ['3', '13', false, 'an admin on an admin'],
    ['4', '3', true, 'an owner on an admin'],
    ['4', '14', false, 'an owner on an owner'],
    ['4', '4', false, 'an owner on themself'],
    ['21', '1', true, 'a manager on a member'],
    ['21', '22', false, 'a manager on another manager'],
    ['21', '2', false, 'a manager on a mod'],
    ['2', '21', true, 'a mod on a manager'],
  ])('caller %s on %s: allowed=%s (%s)', async (caller, target, allowed) => {
    const { service, mutes, events } = setup();
    await expect(codeOf(service.mute(asUser(caller), ROOM, target, 5))).resolves.toBe(allowed ? 'ok' : 'FORBIDDEN');
    expect(mutes.upsert).toHaveBeenCalledTimes(allowed ? 1 : 0);
    expect(events.publish).toHaveBeenCalledTimes(allowed ? 1 : 0);
    if (allowed) expect(events.publish.mock.calls[0][0]).toMatchObject({ change: { actor: { id: caller } } });
  });

  it.each([0, -1, 1.5, 525_601, Number.NaN, Number.MAX_SAFE_INTEGER])('refuses %s minutes as BAD_USER_INPUT before touching anything', async (minutes) => {
    const { service } = setup(); // strict fakes: a repository call would be a rejected promise here, not BAD_USER_INPUT
    await expect(codeOf(service.mute(asApp, ROOM, '1', minutes))).resolves.toBe('BAD_USER_INPUT');
  });

  it('accepts the bounds 1 and 525600', async () => {
    const { service } = setup();
    await expect(codeOf(service.mute(asApp, ROOM, '1', 1))).resolves.toBe('ok');
    await expect(codeOf(service.mute(asApp, ROOM, '1', 525_600))).resolves.toBe('ok');
  });

  it('answers NOT_FOUND for a room or user the app does not have', async () => {
    const { service } = setup();
    await expect(codeOf(service.mute(asApp, '999', '1', 5))).resolves.toBe('NOT_FOUND');
    await expect(codeOf(service.mute(asApp, ROOM, '999', 5))).resolves.toBe('NOT_FOUND');
    await expect(codeOf(service.mute(asUser('2'), ROOM, '999', 5))).resolves.toBe('NOT_FOUND');
  });
});

describe('ModerationService.unmute', () => {
  it('answers NOT_FOUND "User not in mutelist" when no mute runs, writing nothing', async () => {
    const { service, mutes, events } = setup(null);
    await expect(service.unmute(asApp, ROOM, '1')).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'User not in mutelist' });
    expect(mutes.delete).not.toHaveBeenCalled();
    expect(events.publish).not.toHaveBeenCalled();
  });

  it('ends a running mute, records it, and announces UNMUTED with the actor', async () => {
    const { service, audit, events } = setup({ endsAt: new Date(Date.now() + 60_000) });
    const event = await service.unmute(asUser('3'), ROOM, '1');
    expect(event).toMatchObject({ type: 'UNMUTED', user: { id: '1' }, actor: { id: '3' }, mutedUntil: null });
    expect(audit.append).toHaveBeenCalledWith(scope, expect.objectContaining({ actorKind: 'USER', actorUserId: '3', action: 'UNMUTE', targetUserId: '1' }), 'tx');
    expect(events.publish).toHaveBeenCalledTimes(1);
  });

  it('holds unmute to the same rules as mute', async () => {
    const { service } = setup({ endsAt: new Date(Date.now() + 60_000) });
    await expect(codeOf(service.unmute(asUser('1'), ROOM, '11'))).resolves.toBe('FORBIDDEN');
    await expect(codeOf(service.unmute(asUser('2'), ROOM, '12'))).resolves.toBe('FORBIDDEN');
  });
});

describe('ModerationService.expireMutes', () => {
  it('announces UNMUTED (no actor) only for the rows this call deleted', async () => {
    const rows = [
      { id: '7', appId: '3', roomId: ROOM, userRow: USERS.get('1')! },
      { id: '8', appId: '5', roomId: '50', userRow: { ...USERS.get('2')!, appId: '5' } },
    ];
    const mutes = strictFake<MutesRepository>('MutesRepository', {
      findExpired: async () => rows, deleteExpired: async (_: unknown, id: string) => id === '8',
    });
    const events = strictFake<EventBus>('EventBus', { publish: async () => undefined });
    const none = strictFake<never>('unused');
    const service = new ModerationService(mutes, none, none, none, none, none, none, events, noWebhooks(), none, none);
    await expect(service.expireMutes(new Date())).resolves.toBe(1);
    expect(mutes.deleteExpired).toHaveBeenCalledWith(scopeOf('5'), '8', expect.any(Date));
    expect(events.publish).toHaveBeenCalledTimes(1);
    expect(events.publish).toHaveBeenCalledWith({ type: 'membership.changed', appId: '5', roomId: '50', change: expect.objectContaining({ type: 'UNMUTED', actor: null, user: expect.objectContaining({ id: '2' }) }) });
  });
});
