import { DataSource } from 'typeorm';
import { AppScope, scopeOf } from '../../src/database/app-scope.js';
import { AppsRepository } from '../../src/apps/apps.repository.js';
import { isForeignKeyViolation } from '../../src/database/db-errors.js';
import { UsersRepository } from '../../src/users/users.repository.js';
import { UserTokensRepository } from '../../src/users/user-tokens.repository.js';
import { migratedDatabase } from '../support/database.js';
import { testDrivers } from '../support/drivers.js';

const newUser = (uname: string) => ({ uname, externalId: null, displayName: null, role: 'MEMBER' as const, isBot: false, meta: { n: 1 } });

describe.each(testDrivers())('UsersRepository on %s', (driver) => {
  let db: DataSource;
  let close: () => Promise<void>;
  let users: UsersRepository;
  let tokens: UserTokensRepository;
  let a: AppScope;
  let b: AppScope;

  beforeAll(async () => {
    ({ db, close } = await migratedDatabase(driver));
    users = new UsersRepository(db);
    tokens = new UserTokensRepository(db);
    const apps = new AppsRepository(db);
    a = scopeOf((await db.transaction((tx) => apps.insert({ name: 'A', secret: 's' }, tx))).id);
    b = scopeOf((await db.transaction((tx) => apps.insert({ name: 'B', secret: 's' }, tx))).id);
  });
  afterAll(() => close());

  it("never shows app B any of app A's rows", async () => {
    const alice = await users.insert(a, newUser('alice'));
    await users.insert(a, newUser('bob'));
    await expect(users.findById(b, alice.id)).resolves.toBeNull();
    await expect(users.findByIds(b, [alice.id])).resolves.toEqual([]);
    await expect(users.findByUname(b, 'alice')).resolves.toBeNull();
    await expect(users.listPage(b, 0, 100)).resolves.toEqual([[], 0]);
    await expect(users.findAuthSubject(b, alice.id, null)).resolves.toBeNull();
    await expect(users.deleteById(b, alice.id)).resolves.toBe(0);
    await expect(users.deleteByIds(b, [alice.id])).resolves.toBe(0);
    await users.setRole(b, alice.id, 'ADMIN');
    await users.setMeta(b, alice.id, { taken: true });
    await users.setTokensValidAfter(b, alice.id, new Date());
    await expect(users.findById(a, alice.id)).resolves.toMatchObject({ uname: 'alice', appId: a.appId, meta: { n: 1 }, role: 'MEMBER', tokensValidAfter: null });
  });

  it('returns ids as strings and dates as Dates on every driver', async () => {
    const carol = await users.insert(a, newUser('carol'));
    const read = await users.findById(a, carol.id);
    expect(typeof read!.id).toBe('string');
    expect(read!.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(read!.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('reads the auth subject with its token record in one query', async () => {
    const dave = await users.insert(a, newUser('dave'));
    await tokens.insert(a, { userId: dave.id, jti: 'jti-dave', tokenHash: 'f'.repeat(64), expiresAt: new Date(Date.now() + 60_000) });
    await expect(users.findAuthSubject(a, dave.id, 'jti-dave')).resolves.toEqual({
      userId: dave.id, role: 'MEMBER', tokensValidAfter: null, tokenRecorded: true, tokenRevokedAt: null,
    });
    await expect(tokens.revokeLiveForUser(b, dave.id, new Date())).resolves.toBe(0);
    await expect(tokens.revokeLiveForUser(a, dave.id, new Date())).resolves.toBe(1);
    const after = await users.findAuthSubject(a, dave.id, 'jti-dave');
    expect(after!.tokenRevokedAt).toBeInstanceOf(Date);
    await expect(users.findAuthSubject(a, dave.id, 'other-jti')).resolves.toMatchObject({ tokenRecorded: false });
  });

  it("does not let app B record tokens for app A's users nor revoke app A's tokens", async () => {
    const erin = await users.insert(a, newUser('erin-t'));
    await tokens.insert(a, { userId: erin.id, jti: 'jti-erin', tokenHash: 'e'.repeat(64), expiresAt: new Date(Date.now() + 60_000) });
    const refused = await tokens.insert(b, { userId: erin.id, jti: 'jti-b', tokenHash: 'b'.repeat(64), expiresAt: new Date(Date.now() + 60_000) })
      .then(() => null, (e: unknown) => e);
    expect(isForeignKeyViolation(refused)).toBe(true);
    await tokens.revokeAllForApp(b, new Date());
    await expect(tokens.findByHash('e'.repeat(64))).resolves.toMatchObject({ appId: a.appId, userId: erin.id, revokedAt: null });
    await tokens.revokeAllForApp(a, new Date());
    await expect(tokens.findByHash('e'.repeat(64))).resolves.toMatchObject({ revokedAt: expect.any(Date) });
  });

  it('finds users among more ids than one statement may bind (every online user of a big app)', async () => {
    const real = await Promise.all(['erin', 'frank', 'grace'].map((uname) => users.insert(a, newUser(uname))));
    const ids = Array.from({ length: 40_000 }, (_, i) => String(10_000_000 + i));
    ids.splice(5, 0, real[0].id);
    ids.splice(20_000, 0, real[1].id);
    ids.push(real[2].id);
    const found = await users.findByIds(a, ids);
    expect(found.map((u) => u.uname).sort()).toEqual(['erin', 'frank', 'grace']);
    await expect(users.findByIds(b, ids)).resolves.toEqual([]);
  });
});
