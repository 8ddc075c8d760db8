import { startApp, TestApp } from '../../support/app.js';
import { sqliteDriver } from '../../support/drivers.js';
import { authedSocket } from '../../support/legacy.js';

// /metrics counts legacy sockets and deliveries as it does graphql-ws ones (issue "Scale-out", metrics).
describe('legacy transport in /metrics', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startApp(sqliteDriver); });
  afterAll(() => t.close());

  const metric = async (name: string) => {
    const text = await fetch(`${t.url}/metrics`).then((r) => r.text());
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.split(' ')[1]) : 0;
  };

  it('counts open legacy sockets and the deliveries of each message to them', async () => {
    const app = await t.factories.app();
    const [alice, bob] = [await t.factories.user(app), await t.factories.user(app)];
    const connections = await metric('chat_connections{transport="legacy"}');
    const delivered = await metric('chat_messages_out_total{transport="legacy"}');
    const { socket: a } = await authedSocket(t.url, app.id, alice.hashedToken);
    const { socket: b } = await authedSocket(t.url, app.id, bob.hashedToken);
    expect(await metric('chat_connections{transport="legacy"}')).toBe(connections + 2);
    await expect(a.request('new_message', 'counted')).resolves.toEqual([]);
    await b.next('new_message');
    expect(await metric('chat_messages_out_total{transport="legacy"}')).toBe(delivered + 2);
    a.close();
    b.close();
    await a.disconnected();
    await new Promise((r) => setTimeout(r, 100));
    expect(await metric('chat_connections{transport="legacy"}')).toBe(connections);
  });
});
