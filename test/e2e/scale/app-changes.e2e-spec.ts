import { TEST_ADMIN_KEY } from '../../support/app.js';
import { asApp, asOperator, codeOf, eventually } from '../../support/clients.js';
import { describeTwoInstances } from '../../support/redis.js';

// An app's secret and settings are cached per instance; a change on one must hold on all at once.
const ROTATE = `mutation($a: ID!) { rotateAppSecret(appId: $a) { secret } }`;
const SETTINGS = `mutation($n: Int!) { updateAppSettings(input: { rateLimit: { count: $n, seconds: 60 } }) { rateLimit { count } } }`;
const APP = `{ app { id } }`;
const SEND = `mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: { text: $t }) { id } }`;
const RATE = `{ appSettings { rateLimit { count } } }`;

await describeTwoInstances('app-changes-across-instances suite', 'app changes across two instances', (cluster) => {
  it('refuses a rotated-away secret on the other instance at once, though it had cached it', async () => {
    const { a, b } = cluster;
    const app = await a.factories.app();
    expect((await b.gql(APP, {}, app.headers)).data!.app.id).toBe(app.id); // b caches the secret now
    const { secret } = (await a.gql(ROTATE, { a: app.id }, asOperator(TEST_ADMIN_KEY))).data!.rotateAppSecret;
    const refused = await eventually(() => b.gql(APP, {}, app.headers), (result) => codeOf(result) === 'UNAUTHENTICATED'); // the bus hop
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
    expect((await b.gql(APP, {}, asApp({ id: app.id, secret }))).data!.app.id).toBe(app.id);
  });

  it('applies a new rate limit on the other instance at once', async () => {
    const { a, b } = cluster;
    const app = await a.factories.app();
    const alice = await a.factories.user(app);
    expect(codeOf(await b.gql(SEND, { r: app.lobbyId, t: 'warm the cache' }, alice.headers))).toBeUndefined();
    expect((await a.gql(SETTINGS, { n: 2 }, app.headers)).data!.updateAppSettings.rateLimit.count).toBe(2);
    // b reads its settings from the same cache as its sends: it shows the new limit once the bus hop dropped the old copy.
    await eventually(() => b.gql(RATE, {}, app.headers), (result) => result.data?.appSettings.rateLimit.count === 2);
    // A new rate counts afresh: two more pass, the third is refused (the cached 20 would let it through).
    for (const text of ['one', 'two']) expect(codeOf(await b.gql(SEND, { r: app.lobbyId, t: text }, alice.headers))).toBeUndefined();
    expect(codeOf(await b.gql(SEND, { r: app.lobbyId, t: 'three' }, alice.headers))).toBe('RATE_LIMITED');
  });
});
