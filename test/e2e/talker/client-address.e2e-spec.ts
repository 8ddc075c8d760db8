import { startApp, TestApp } from '../../support/app.js';
import { testDrivers } from '../../support/drivers.js';
import { TalkerClient, talkerSocket } from '../../support/talker.js';

/** Two failed logins per address, then TOO_MANY_ATTEMPTS; the per-account limit stays out of the way (a new login name each try). */
const LIMITS = { TALKER_LOGIN_ATTEMPTS_PER_ADDRESS: '2', TALKER_LOGIN_ATTEMPTS_PER_ACCOUNT: '50' };

describe.each(testDrivers())('talker login limits by client address on %s', (driver) => {
  let behindProxy: TestApp;
  let direct: TestApp;
  const sockets: TalkerClient[] = [];
  let tries = 0;

  beforeAll(async () => {
    // The tests reach the server over loopback: with TRUST_PROXY=loopback they stand for the proxy.
    behindProxy = await startApp(driver, { ...LIMITS, TRUST_PROXY: 'loopback' });
    direct = await startApp(driver, LIMITS);
  });
  afterEach(() => { for (const socket of sockets.splice(0)) socket.close(); });
  afterAll(async () => {
    await behindProxy?.close();
    await direct?.close();
  });

  /** One failed login from a socket whose handshake carries this X-Forwarded-For; the answer's error code. */
  async function failFrom(t: TestApp, forwardedFor: string): Promise<string> {
    const socket = await talkerSocket(t.url, { headers: { 'x-forwarded-for': forwardedFor } });
    sockets.push(socket);
    return (await socket.request('login', { login: `nobody-${++tries}`, hash: 'wrong' })).error;
  }

  it('behind a trusted proxy, counts failures per forwarded address, on every socket of that address', async () => {
    expect(await failFrom(behindProxy, '203.0.113.1')).toBe('WRONG_CREDENTIALS');
    expect(await failFrom(behindProxy, '203.0.113.1')).toBe('WRONG_CREDENTIALS');
    expect(await failFrom(behindProxy, '203.0.113.1')).toBe('TOO_MANY_ATTEMPTS');
    // Another client behind the same proxy keeps its own budget.
    expect(await failFrom(behindProxy, '203.0.113.2')).toBe('WRONG_CREDENTIALS');
    // An address the client wrote in front of the one the proxy saw does not escape the limit.
    expect(await failFrom(behindProxy, '198.51.100.7, 203.0.113.1')).toBe('TOO_MANY_ATTEMPTS');
  });

  it('without TRUST_PROXY, ignores X-Forwarded-For: a client cannot name a fresh address for each try', async () => {
    expect(await failFrom(direct, '203.0.113.1')).toBe('WRONG_CREDENTIALS');
    expect(await failFrom(direct, '203.0.113.2')).toBe('WRONG_CREDENTIALS');
    expect(await failFrom(direct, '203.0.113.3')).toBe('TOO_MANY_ATTEMPTS');
  });
});
