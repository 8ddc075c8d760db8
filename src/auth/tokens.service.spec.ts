import jwt from 'jsonwebtoken';
import { AppsService } from '../apps/apps.service.js';
import { DEFAULT_APP_SETTINGS } from '../apps/app-settings.js';
import { scopeOf } from '../database/app-scope.js';
import { UserTokensRepository } from '../users/user-tokens.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import { UsersService } from '../users/users.service.js';
import { strictFake } from '../../test/support/strict-fake.js';
import { sha256Hex } from '../principal/secrets.js';
import { DEFAULT_TOKEN_LIFETIME_MS, TokensService } from './tokens.service.js';

const scope = scopeOf('5');

function service(user: object | null = { id: '9' }) {
  const apps = strictFake<AppsService>('AppsService', { credentials: async () => ({ id: '5', secret: 'sek', settings: DEFAULT_APP_SETTINGS }) });
  const users = strictFake<UsersRepository>('UsersRepository', { findById: async () => user, setTokensValidAfter: async () => undefined });
  const tokens = strictFake<UserTokensRepository>('UserTokensRepository', { insert: async () => undefined, revokeLiveForUser: async () => 3 });
  const usersService = strictFake<UsersService>('UsersService', { changed: async () => undefined });
  return { tokens, users, usersService, service: new TokensService(apps, users, tokens, usersService) };
}

describe('TokensService', () => {
  it('signs sub/app/jti/exp with the app secret and records only the jti and the SHA-256', async () => {
    const { service: s, tokens } = service();
    const issued = await s.issue(scope, '9');
    const claims = jwt.verify(issued.token, 'sek') as jwt.JwtPayload;
    expect(claims).toMatchObject({ sub: '9', app: '5', jti: expect.any(String) });
    expect(claims.exp! * 1000 - Date.now()).toBeGreaterThan(DEFAULT_TOKEN_LIFETIME_MS - 2000);
    expect(tokens.insert).toHaveBeenCalledWith(scope, { userId: '9', jti: claims.jti, tokenHash: sha256Hex(issued.token), expiresAt: issued.expiresAt });
    expect(JSON.stringify(tokens.insert.mock.calls)).not.toContain(issued.token);
  });

  it('refuses a past expiry before touching the database', async () => {
    const { service: s } = service();
    await expect(s.issue(scope, '9', new Date(Date.now() - 1))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('answers NOT_FOUND for a user the scope does not have', async () => {
    const { service: s } = service(null);
    await expect(s.issue(scope, '9')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(s.revokeAll(scope, '9')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('revokes recorded tokens and moves the offline cut-off', async () => {
    const { service: s, users, usersService } = service();
    await expect(s.revokeAll(scope, '9')).resolves.toBe(3);
    expect(users.setTokensValidAfter).toHaveBeenCalledWith(scope, '9', expect.any(Date));
    // Every instance must drop its cached copy of the user, or a revoked token would still pass there.
    expect(usersService.changed).toHaveBeenCalledWith(scope, ['9']);
  });
});
