import { startCluster, TestApp } from '../../support/app.js';
import { mysqlDriver, testDrivers } from '../../support/drivers.js';
import { REDIS_URL, redisReachable } from '../../support/redis.js';
import { connected, gqlWsClient, liveQueue } from '../../support/ws.js';

const SEND = `mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: {text: $t}) { id } }`;
const ADDED = `subscription($r: ID!) { messageAdded(roomId: $r) { id text } }`;

const redisUp = await redisReachable();
const mysqlUp = testDrivers().includes(mysqlDriver);
if (!redisUp || !mysqlUp) {
  process.stderr.write(`SKIPPED: two-instance suite, because ${!redisUp ? `Redis at ${REDIS_URL} is not reachable` : 'MySQL/MariaDB is not selected or reachable'}.\n`);
}

(redisUp && mysqlUp ? describe : describe.skip)('two instances sharing MariaDB and Redis', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => { [a, b] = await startCluster(mysqlDriver, 2, { REDIS_URL }); });
  afterAll(async () => { await a.close(); await b.close(); });

  it('delivers a message sent on one instance to a subscriber on the other, in order', async () => {
    const app = await a.factories.app();
    const alice = await a.factories.user(app);
    const client = gqlWsClient(b.url, { authorization: `Bearer ${alice.token}` });
    await connected(client);
    const stream = liveQueue(client, ADDED, { r: app.lobbyId });
    await new Promise((r) => setTimeout(r, 200));
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push((await a.gql(SEND, { r: app.lobbyId, t: `m${i}` }, alice.headers)).data!.sendMessage.id);
    const got = [];
    for (let i = 0; i < 20; i++) got.push((await stream.next()).data.messageAdded.id);
    expect(got).toEqual(ids);
    await client.dispose();
  });

  it('reports the bus lag and deliveries in /metrics', async () => {
    const text = await fetch(`${b.url}/metrics`).then((r) => r.text());
    expect(text).toMatch(/chat_event_bus_lag_seconds_count \d*[1-9]/);
    expect(text).toMatch(/chat_messages_out_total\{transport="graphql-ws"\} \d*[1-9]/);
    expect(text).toMatch(/chat_db_query_seconds_count \d*[1-9]/);
  });
});
