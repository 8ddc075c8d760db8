import { scopeOf } from '../database/app-scope.js';
import { DEFAULT_APP_SETTINGS } from '../apps/app-settings.js';
import { RedisConnections } from '../realtime/redis-connections.js';
import { FloodControlService } from './flood-control.service.js';

const scope = scopeOf('1');
const inProcess = () => new FloodControlService({ enabled: false } as RedisConnections);
const settings = (changes: Partial<typeof DEFAULT_APP_SETTINGS>) => ({ ...DEFAULT_APP_SETTINGS, ...changes });

describe('FloodControlService', () => {
  it('lets the rate through, then answers RATE_LIMITED with a retry time, per user and room', async () => {
    const flood = inProcess();
    const rules = settings({ rateLimit: { count: 3, seconds: 10 } });
    for (let i = 0; i < 3; i++) await flood.consume(scope, 'r1', 'u1', rules);
    await expect(flood.consume(scope, 'r1', 'u1', rules)).rejects.toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: expect.any(Number) } });
    await expect(flood.consume(scope, 'r2', 'u1', rules)).resolves.toBeUndefined();
    await expect(flood.consume(scope, 'r1', 'u2', rules)).resolves.toBeUndefined();
    await expect(flood.consume(scopeOf('2'), 'r1', 'u1', rules)).resolves.toBeUndefined();
  });

  it('refuses the same text again inside the window only when the window is on', async () => {
    const flood = inProcess();
    await flood.assertNotRepeated(scope, 'r', 'u', 'hello', 0);
    await flood.assertNotRepeated(scope, 'r', 'u', 'hello', 0);
    await flood.assertNotRepeated(scope, 'r', 'u', 'hello', 5);
    await expect(flood.assertNotRepeated(scope, 'r', 'u', 'HELLO', 5)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await flood.assertNotRepeated(scope, 'r', 'u', 'hello there', 5);
    await flood.assertNotRepeated(scope, 'r', 'other', 'hello', 5);
  });

  it('masks listed words as whole words in any case, or refuses them', () => {
    const flood = inProcess();
    const mask = { words: ['darn', 'heck'], mode: 'MASK' as const };
    expect(flood.filterWords('Darn it, what the HECK', mask)).toBe('**** it, what the ****');
    expect(flood.filterWords('darning socks, heckle', mask)).toBe('darning socks, heckle');
    expect(flood.filterWords('a.b (c)', { words: ['a.b', '(c)'], mode: 'MASK' })).toBe('*** ***');
    expect(() => flood.filterWords('oh heck', { ...mask, mode: 'REJECT' })).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(flood.filterWords('fine', { ...mask, mode: 'REJECT' })).toBe('fine');
    // Only blank words (stored before they were refused): nothing to match, so nothing is refused.
    expect(flood.filterWords('hi!  there.', { words: ['  ', ''], mode: 'REJECT' })).toBe('hi!  there.');
  });
});
