import { pino } from 'pino';
import { scopeOf } from '../database/app-scope.js';
import { LocalPresenceService } from './local-presence.service.js';
import type { PresenceChange } from './presence.service.js';

describe('LocalPresenceService', () => {
  const [a, b] = [scopeOf('1'), scopeOf('2')];

  it('counts connections per app and user, and reports only the first and the last', async () => {
    const presence = new LocalPresenceService(pino({ level: 'silent' }));
    const heard: PresenceChange[] = [];
    presence.onChange((changes) => { heard.push(...changes); });
    await expect(presence.connect(a, '10')).resolves.toBe(true);
    await expect(presence.connect(a, '10')).resolves.toBe(false);
    await expect(presence.connect(b, '10')).resolves.toBe(true);
    await expect(presence.onlineUserIds(a)).resolves.toEqual(['10']);
    await expect(presence.onlineAmong(a, ['11', '10'])).resolves.toEqual(['10']);
    await expect(presence.disconnect(a, '10')).resolves.toBe(false);
    await expect(presence.disconnect(a, '10')).resolves.toBe(true);
    await expect(presence.disconnect(a, '10')).resolves.toBe(false);
    await expect(presence.isOnline(a, '10')).resolves.toBe(false);
    await expect(presence.isOnline(b, '10')).resolves.toBe(true);
    expect(heard).toEqual([
      { scope: a, userId: '10', online: true }, { scope: b, userId: '10', online: true }, { scope: a, userId: '10', online: false },
    ]);
  });

  it('keeps counting when a listener fails', async () => {
    const presence = new LocalPresenceService(pino({ level: 'silent' }));
    const heard: boolean[] = [];
    presence.onChange(() => { throw new Error('listener broke'); });
    presence.onChange((changes) => { heard.push(...changes.map((c) => c.online)); });
    await expect(presence.connect(a, '10')).resolves.toBe(true);
    await expect(presence.disconnect(a, '10')).resolves.toBe(true);
    expect(heard).toEqual([true, false]);
  });
});
