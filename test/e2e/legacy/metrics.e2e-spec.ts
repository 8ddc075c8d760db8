import { startApp, TestApp } from '../../support/app.js';
import { sqliteDriver } from '../../support/drivers.js';
import { authedSocket } from '../../support/legacy.js';
import { waitFor } from '../../support/wait.js';

// /metrics counts legacy sockets and deliveries as it does graphql-ws ones (issue "Scale-out", metrics).
describe('legacy transport in /metrics', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startApp(sqliteDriver); });
  afterAll(() => t.close());

  /** A series' value; one never set yet is 0 only when asked for a baseline and its metric is declared. */
  const metric = async (name: string, baseline = false) => {
    const text = await fetch(`${t.url}/metrics`).then((r) => r.text());
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    if (line) return Number(line.split(' ')[1]);
    const family = name.replace(/\{.*$/, '');
    if (baseline && text.split('\n').includes(`# TYPE ${family} ${family.endsWith('_total') ? 'counter' : 'gauge'}`)) return 0;
    throw new Error(`no ${name} in /metrics`);
  };

  it('counts open legacy sockets and the deliveries of each message to them', async () => {
    const app = await t.factories.app();
    const [alice, bob] = [await t.factories.user(app), await t.factories.user(app)];
    const connections = await metric('chat_connections{transport="legacy"}', true);
    const delivered = await metric('chat_messages_out_total{transport="legacy"}', true);
    const { socket: a } = await authedSocket(t.url, app.id, alice.hashedToken);
    const { socket: b } = await authedSocket(t.url, app.id, bob.hashedToken);
    expect(await metric('chat_connections{transport="legacy"}')).toBe(connections + 2);
    await expect(a.request('new_message', 'counted')).resolves.toEqual([]);
    await b.next('new_message');
    expect(await metric('chat_messages_out_total{transport="legacy"}')).toBe(delivered + 2);
    a.close();
    b.close();
    await a.disconnected();
    // The server counts a socket out when it sees it close: wait for that, bounded.
    await expect(waitFor('both legacy sockets counted out', () => metric('chat_connections{transport="legacy"}'), (n) => n === connections)).resolves.toBe(connections);
  });
});
