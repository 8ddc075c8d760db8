import { jest } from '@jest/globals';
import type { Logger } from 'pino';
import { scopeOf } from '../database/app-scope.js';
import { BansRepository } from './bans.repository.js';
import { MutesRepository } from './mutes.repository.js';
import { DomainEvent } from '../realtime/domain-events.js';
import { LocalEventBus } from '../realtime/local-event-bus.js';
import { Gate } from '../../test/support/gate.js';
import { strictFake } from '../../test/support/strict-fake.js';
import { MembershipEvent, MembershipEventType } from './membership-event.model.js';
import { SanctionsCache } from './sanctions.cache.js';

const scope = scopeOf('7');
const inAnHour = () => new Date(Date.now() + 3_600_000);
type Sanction = { userId: string; endsAt: Date | null };

/** The cache over repositories whose lists the test sets (the mute list may be held back); counts the loads. */
function setup() {
  const state = { mutes: [] as Sanction[], bans: [] as Sanction[], loads: 0 };
  const muteReads = new Gate();
  const mutes = strictFake<MutesRepository>('MutesRepository', {
    listActive: async () => {
      state.loads++;
      const seen = [...state.mutes];
      await muteReads.pass();
      return seen;
    },
  });
  const bans = strictFake<BansRepository>('BansRepository', { listActive: async () => [...state.bans] });
  const bus = new LocalEventBus(strictFake<Logger>('Logger'));
  const cache = new SanctionsCache(mutes, bans, bus);
  cache.onModuleInit();
  const changed = (type: MembershipEventType, roomId = 'r1') =>
    bus.publish({ type: 'membership.changed', appId: '7', roomId, change: { type, roomId, user: { id: 'u1' } } as MembershipEvent } as DomainEvent);
  return { state, cache, bus, changed, muteReads };
}

describe('SanctionsCache', () => {
  it('loads a room once and answers the next reads from memory', async () => {
    const { state, cache } = setup();
    state.mutes = [{ userId: 'u1', endsAt: inAnHour() }];
    expect(await cache.mutedUntil(scope, 'r1', 'u1')).toEqual(state.mutes[0].endsAt);
    expect(await cache.mutedUntil(scope, 'r1', 'u2')).toBeNull();
    expect(await cache.ban(scope, 'r1', 'u1')).toBeNull();
    expect(state.loads).toBe(1);
  });

  it.each([MembershipEventType.MUTED, MembershipEventType.UNMUTED, MembershipEventType.BANNED, MembershipEventType.UNBANNED])(
    'reads the room again after %s on the bus', async (type) => {
      const { state, cache, changed } = setup();
      expect(await cache.mutedUntil(scope, 'r1', 'u1')).toBeNull();
      state.mutes = [{ userId: 'u1', endsAt: inAnHour() }];
      await changed(type);
      expect(await cache.mutedUntil(scope, 'r1', 'u1')).toEqual(state.mutes[0].endsAt);
      expect(state.loads).toBe(2);
    });

  it('keeps the room on events that change no sanction there', async () => {
    const { state, cache, changed } = setup();
    await cache.mutedUntil(scope, 'r1', 'u1');
    await changed(MembershipEventType.JOINED);
    await changed(MembershipEventType.MUTED, 'r2');
    await cache.mutedUntil(scope, 'r1', 'u1');
    expect(state.loads).toBe(1);
  });

  it('does not keep a load that was under way when a mute arrived', async () => {
    const { state, cache, changed, muteReads } = setup();
    const release = muteReads.close();
    const before = cache.mutedUntil(scope, 'r1', 'u1'); // reads the list without the mute, then waits
    await new Promise((resolve) => setImmediate(resolve));
    state.mutes = [{ userId: 'u1', endsAt: inAnHour() }];
    await changed(MembershipEventType.MUTED);
    release();
    expect(await before).toBeNull();
    expect(await cache.mutedUntil(scope, 'r1', 'u1')).toEqual(state.mutes[0].endsAt);
  });

  it('lets a mute and a ban end on the clock, with no event', async () => {
    const { state, cache } = setup();
    const now = Date.now();
    state.mutes = [{ userId: 'u1', endsAt: new Date(now + 1000) }];
    state.bans = [{ userId: 'u1', endsAt: new Date(now + 1000) }];
    expect(await cache.mutedUntil(scope, 'r1', 'u1')).toEqual(new Date(now + 1000));
    expect(await cache.ban(scope, 'r1', 'u1')).toEqual({ until: new Date(now + 1000) });
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 1001);
    try {
      expect(await cache.mutedUntil(scope, 'r1', 'u1')).toBeNull();
      expect(await cache.ban(scope, 'r1', 'u1')).toBeNull();
    } finally {
      clock.mockRestore();
    }
    expect(state.loads).toBe(1);
  });

  it('enforces a ban without an end, and lifts it on UNBANNED', async () => {
    const { state, cache, changed } = setup();
    state.bans = [{ userId: 'u1', endsAt: null }];
    expect(await cache.ban(scope, 'r1', 'u1')).toEqual({ until: null });
    expect(await cache.ban(scope, 'r1', 'u2')).toBeNull();
    state.bans = [];
    expect(await cache.ban(scope, 'r1', 'u1')).toEqual({ until: null }); // no event yet: still the cached ban
    await changed(MembershipEventType.UNBANNED);
    expect(await cache.ban(scope, 'r1', 'u1')).toBeNull();
  });

  it('reads a deleted room again', async () => {
    const { state, cache, bus } = setup();
    await cache.mutedUntil(scope, 'r1', 'u1');
    await bus.publish({ type: 'room.deleted', appId: '7', roomId: 'r1', room: {} } as DomainEvent);
    await cache.mutedUntil(scope, 'r1', 'u1');
    expect(state.loads).toBe(2);
  });
});
