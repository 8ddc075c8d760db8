import { TEST_ADMIN_KEY } from '../../support/app.js';
import { asOperator, codeOf, eventually, GqlResult } from '../../support/clients.js';
import { describeTwoInstances } from '../../support/redis.js';
import { UserRole } from '../../../src/users/user.model.js';

// Each instance caches what a bearer-token check reads (role, revocation); a change made through
// one instance must reach the other's next request within the bus hop.
const ME = `{ me { id } }`;
const REVOKE = `mutation($id: ID!) { revokeUserTokens(userId: $id) }`;
const SET_ROLE = `mutation($u: ID!, $role: UserRole!) { setUserRole(userId: $u, role: $role) { id role } }`;

const refusedWith = (code: string) => (result: GqlResult) => codeOf(result) === code;

await describeTwoInstances('user-changes-across-instances suite', 'user changes across two instances', (cluster) => {
  it('refuses a token revoked on one instance on the other, though the other had just accepted it', async () => {
    const { a, b } = cluster;
    const app = await a.factories.app();
    const alice = await a.factories.user(app);
    expect(codeOf(await b.gql(ME, {}, alice.headers))).toBeUndefined(); // b caches alice's token now
    expect((await a.gql(REVOKE, { id: alice.id }, app.headers)).data!.revokeUserTokens).toBe(1);
    expect(codeOf(await a.gql(ME, {}, alice.headers))).toBe('UNAUTHENTICATED'); // the revoking instance: at once
    const onB = await eventually(() => b.gql(ME, {}, alice.headers), refusedWith('UNAUTHENTICATED'));
    expect(onB.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'revoked' });
  });

  it('shows a user changed through one instance in me on the other, which had it cached', async () => {
    const { a, b } = cluster;
    const app = await a.factories.app();
    const alice = await a.factories.user(app);
    const me = `{ me { meta } }`;
    await expect(b.gql(me, {}, alice.headers)).resolves.toEqual({ data: { me: { meta: null } } }); // b caches alice now
    await a.gql(`mutation($id: ID!) { updateUserMeta(id: $id, patch: { set: { city: "Oslo" } }) { id } }`, { id: alice.id }, app.headers);
    const seen = await eventually(() => b.gql(me, {}, alice.headers), (result) => result.data?.me?.meta !== null);
    expect(seen).toEqual({ data: { me: { meta: { city: 'Oslo' } } } });
  });

  it('applies a role change made on one instance to the other', async () => {
    const { a, b } = cluster;
    const app = await a.factories.app();
    const admin = await a.factories.user(app, { role: UserRole.ADMIN });
    const bob = await a.factories.user(app);
    expect(codeOf(await b.gql(SET_ROLE, { u: bob.id, role: 'MOD' }, admin.headers))).toBeUndefined(); // b caches the admin's token
    await a.gql(SET_ROLE, { u: admin.id, role: 'MEMBER' }, app.headers);
    expect(codeOf(await eventually(() => b.gql(SET_ROLE, { u: bob.id, role: 'MOD' }, admin.headers), refusedWith('FORBIDDEN')))).toBe('FORBIDDEN');
  });

  it('refuses every token of an app on the other instance once its secret is rotated', async () => {
    const { a, b } = cluster;
    const app = await a.factories.app();
    const alice = await a.factories.user(app);
    expect(codeOf(await b.gql(ME, {}, alice.headers))).toBeUndefined();
    await a.gql(`mutation($a: ID!) { rotateAppSecret(appId: $a) { secret } }`, { a: app.id }, asOperator(TEST_ADMIN_KEY));
    expect(codeOf(await eventually(() => b.gql(ME, {}, alice.headers), refusedWith('UNAUTHENTICATED')))).toBe('UNAUTHENTICATED');
  });
});
