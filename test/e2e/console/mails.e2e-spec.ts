import { startApp, TEST_ADMIN_KEY, TestApp } from '../../support/app.js';
import { sqliteDriver } from '../../support/drivers.js';
import { unique } from '../../support/factories.js';

// GET /console/mails, behind the home page's "Recent mails" panel: what a development server
// without SMTP_URL mailed (logged), so a talker account can be confirmed from the console.
const mailsOf = (t: TestApp, headers: Record<string, string> = {}) => fetch(`${t.url}/console/mails`, { headers });
const register = (t: TestApp, username: string) => fetch(`${t.url}/talker/register`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `${username}@example.test`, username, hash: 'h' }),
});

describe('recent mails in the web console (development)', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startApp(sqliteDriver); });
  afterAll(() => t?.close());

  it('refuses without the operator key, and with a wrong one', async () => {
    expect((await mailsOf(t)).status).toBe(401);
    expect((await mailsOf(t, { 'x-admin-key': `${TEST_ADMIN_KEY}x` })).status).toBe(401);
  });

  it('lists the mails sent, newest first: to, subject, text, time', async () => {
    const before = Date.now();
    const [first, second] = [unique('mail'), unique('mail')];
    expect((await register(t, first)).status).toBe(200);
    expect((await register(t, second)).status).toBe(200);
    const response = await mailsOf(t, { 'x-admin-key': TEST_ADMIN_KEY });
    expect(response.status).toBe(200);
    const mails = await response.json() as { to: string; subject: string; text: string; at: string; from: string }[];
    expect(mails.map((m) => m.to)).toEqual([`${second}@example.test`, `${first}@example.test`]);
    expect(mails[0]).toEqual({ from: expect.any(String), to: `${second}@example.test`, subject: expect.any(String), text: expect.stringMatching(/uuid=[0-9a-f-]{36}/), at: expect.any(String) });
    expect(Date.parse(mails[0].at)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('keeps the last 20 only', async () => {
    for (let i = 0; i < 21; i++) expect((await register(t, unique('many'))).status).toBe(200);
    const mails = await (await mailsOf(t, { 'x-admin-key': TEST_ADMIN_KEY })).json() as unknown[];
    expect(mails).toHaveLength(20);
  });

  it('is on the home page as a panel', async () => {
    const html = await (await fetch(`${t.url}/`)).text();
    expect(html).toContain('id="mails-form"');
    expect(html).toContain('/console/assets/mails.js');
    expect((await fetch(`${t.url}/console/assets/mails.js`)).status).toBe(200);
  });
});

describe('recent mails in production', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startApp(sqliteDriver, { NODE_ENV: 'production' }); });
  afterAll(() => t?.close());

  it('is absent (404, even with the operator key)', async () => {
    expect((await mailsOf(t, { 'x-admin-key': TEST_ADMIN_KEY })).status).toBe(404);
    expect((await mailsOf(t)).status).toBe(404);
  });
});
