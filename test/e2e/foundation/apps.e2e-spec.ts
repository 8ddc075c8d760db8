import { asApp, asOperator, codeOf } from '../../support/clients.js';
import { startApp, TEST_ADMIN_KEY, TestApp } from '../../support/app.js';
import { testDrivers } from '../../support/drivers.js';

const CREATE_APP = `mutation($name: String!) { createApp(name: $name) { secret app { id name createdAt lobby { id key type } } } }`;

describe.each(testDrivers())('apps on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => { t = await startApp(driver); });
  afterAll(() => t.close());

  it('serves /health and /ready', async () => {
    await expect(fetch(`${t.url}/health`).then((r) => r.json())).resolves.toEqual({ status: 'ok' });
    const ready = await fetch(`${t.url}/ready`);
    expect(ready.status).toBe(200);
    await expect(ready.json()).resolves.toEqual({ status: 'ok', checks: { database: 'ok' } });
  });

  it('lets the operator create an app whose lobby exists at once', async () => {
    const result = await t.gql(CREATE_APP, { name: 'Game site' }, asOperator(TEST_ADMIN_KEY));
    expect(result.errors).toBeUndefined();
    const { app, secret } = result.data!.createApp;
    expect(app).toMatchObject({ id: expect.stringMatching(/^\d+$/), name: 'Game site', lobby: { key: 'lobby', type: 'OPEN' } });
    expect(secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const seen = await t.gql(`{ app { id lobby { id } } }`, {}, asApp({ id: app.id, secret }));
    expect(seen.data!.app).toEqual({ id: app.id, lobby: { id: app.lobby.id } });
  });

  it.each([
    ['no admin key', {}],
    ['a wrong admin key', asOperator('wrong-key-wrong-key')],
  ])('refuses createApp with %s as UNAUTHENTICATED', async (_, headers) => {
    expect(codeOf(await t.gql(CREATE_APP, { name: 'x' }, headers))).toBe('UNAUTHENTICATED');
  });

  it('refuses createApp from an app backend as FORBIDDEN', async () => {
    const app = await t.factories.app();
    expect(codeOf(await t.gql(CREATE_APP, { name: 'x' }, app.headers))).toBe('FORBIDDEN');
  });

  it.each([[''], ['   '], ['x'.repeat(101)]])('refuses the app name %j as BAD_USER_INPUT', async (name) => {
    expect(codeOf(await t.gql(CREATE_APP, { name }, asOperator(TEST_ADMIN_KEY)))).toBe('BAD_USER_INPUT');
  });

  it('lists apps for the operator only', async () => {
    await t.factories.app();
    const listed = await t.gql(`{ apps(size: 100) { total nodes { id name } } }`, {}, asOperator(TEST_ADMIN_KEY));
    expect(listed.data!.apps.total).toBeGreaterThanOrEqual(1);
    const app = await t.factories.app();
    expect(codeOf(await t.gql(`{ apps { total } }`, {}, app.headers))).toBe('FORBIDDEN');
  });

  it('rotates a secret: the old secret and the tokens it signed stop working', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const rotated = await t.gql(`mutation($id: ID!) { rotateAppSecret(appId: $id) { secret app { id } } }`, { id: app.id }, asOperator(TEST_ADMIN_KEY));
    const secret = rotated.data!.rotateAppSecret.secret;
    expect(secret).not.toBe(app.secret);
    expect(codeOf(await t.gql(`{ app { id } }`, {}, app.headers))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.gql(`{ me { id } }`, {}, alice.headers))).toBe('UNAUTHENTICATED');
    await expect(t.gql(`{ app { id } }`, {}, asApp({ id: app.id, secret }))).resolves.toEqual({ data: { app: { id: app.id } } });
    const missing = await t.gql(`mutation { rotateAppSecret(appId: "999999999") { secret } }`, {}, asOperator(TEST_ADMIN_KEY));
    expect(codeOf(missing)).toBe('NOT_FOUND');
  });

  it.each([
    ['an unknown app id', { 'x-app-id': '999999999', 'x-app-secret': 'whatever' }],
    ['a non-numeric app id', { 'x-app-id': 'abc', 'x-app-secret': 'whatever' }],
    ['an id without a secret', { 'x-app-id': '1' }],
  ])('refuses app credentials with %s as UNAUTHENTICATED', async (_, headers) => {
    expect(codeOf(await t.gql(`{ app { id } }`, {}, headers))).toBe('UNAUTHENTICATED');
  });
});
