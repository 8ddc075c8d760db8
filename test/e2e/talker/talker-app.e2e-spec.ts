import { startApp, TestApp } from '../../support/app.js';
import { sqliteDriver } from '../../support/drivers.js';
import { talkerHttp } from '../../support/talker.js';

describe('which app talker accounts live in', () => {
  let t: TestApp | null = null;
  afterEach(async () => {
    await t?.close();
    t = null;
  });

  it('production without TALKER_APP_ID: the talker API answers UNAVAILABLE', async () => {
    t = await startApp(sqliteDriver, { NODE_ENV: 'production' });
    await expect(talkerHttp(t.url, '/isUsed/email', { email: 'a@example.com' })).resolves.toMatchObject({ status: 503, body: { error: 'UNAVAILABLE' } });
  });

  it('a TALKER_APP_ID naming no app: UNAVAILABLE, not a crash', async () => {
    t = await startApp(sqliteDriver, { TALKER_APP_ID: '999' });
    await expect(talkerHttp(t.url, '/isUsed/username', { username: 'ann' }, 'GET')).resolves.toMatchObject({ status: 503, body: { error: 'UNAVAILABLE' } });
  });

  it('a mail that cannot be sent: UNAVAILABLE, and the account stays for a retry', async () => {
    t = await startApp(sqliteDriver, { SMTP_URL: 'smtp://127.0.0.1:1' });
    const payload = { email: 'retry@example.com', username: 'retry', hash: 'h' };
    await expect(talkerHttp(t.url, '/register', payload)).resolves.toMatchObject({ status: 503, body: { error: 'UNAVAILABLE' } });
    await expect(talkerHttp(t.url, '/isUsed/email', { email: 'retry@example.com' })).resolves.toEqual({ status: 200, body: true });
    await expect(talkerHttp(t.url, '/register', payload)).resolves.toMatchObject({ status: 503, body: { error: 'UNAVAILABLE' } });
    await expect(talkerHttp(t.url, '/register', { ...payload, hash: 'other' })).resolves.toMatchObject({ status: 409, body: { error: 'USED' } });
  });
});
