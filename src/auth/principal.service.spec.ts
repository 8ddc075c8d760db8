import { AppConfig } from '../config/app-config.js';
import { AppsService } from '../apps/apps.service.js';
import { DEFAULT_APP_SETTINGS } from '../apps/app-settings.js';
import { strictFake } from '../../test/support/strict-fake.js';
import { ChatError } from '../common/errors/chat-error.js';
import { PrincipalService } from './principal.service.js';
import { UserJwtStrategy } from './user-jwt.strategy.js';
import { UserTokensRepository } from '../users/user-tokens.repository.js';
import { UserCache } from '../users/user.cache.js';
import { credentialsFrom } from '../principal/principal.js';

const config = { adminKey: 'operator-key-1234567' } as AppConfig;
const app = { id: '7', secret: 'app-secret', settings: DEFAULT_APP_SETTINGS };

function service(jwtResult?: () => Promise<unknown>) {
  const apps = strictFake<AppsService>('AppsService', { credentials: async (id: string) => (id === '7' ? app : null) });
  const jwt = strictFake<UserJwtStrategy>('UserJwtStrategy', jwtResult ? { authenticateBearer: jwtResult } : {});
  const tokens = strictFake<UserTokensRepository>('UserTokensRepository');
  const users = strictFake<UserCache>('UserCache');
  return { principals: new PrincipalService(config, apps, jwt, tokens, users), apps, jwt };
}

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'resolved', (e: ChatError) => e.code);

describe('PrincipalService', () => {
  it('makes the operator from the admin key, and nothing else from a wrong one', async () => {
    const { principals } = service();
    await expect(principals.resolve({ adminKey: 'operator-key-1234567' })).resolves.toEqual({ kind: 'operator' });
    await expect(codeOf(principals.resolve({ adminKey: 'operator-key-123456' }))).resolves.toBe('UNAUTHENTICATED');
  });

  it('makes an app principal scoped to the app from a matching id and secret', async () => {
    const { principals } = service();
    await expect(principals.resolve({ appId: '7', appSecret: 'app-secret' })).resolves.toEqual({ kind: 'app', scope: { appId: '7' } });
  });

  it.each([
    ['a wrong secret', { appId: '7', appSecret: 'app-secreT' }],
    ['an unknown app', { appId: '8', appSecret: 'app-secret' }],
    ['a malformed app id', { appId: '7 OR 1=1', appSecret: 'app-secret' }],
    ['a missing secret', { appId: '7' }],
    ['a missing app id', { appSecret: 'app-secret' }],
  ])('refuses %s as UNAUTHENTICATED', async (_, credentials) => {
    const { principals } = service();
    await expect(codeOf(principals.resolve(credentials))).resolves.toBe('UNAUTHENTICATED');
  });

  it('hands bearer tokens to the JWT strategy, the only verifier', async () => {
    const user = { kind: 'user', scope: { appId: '7' }, userId: '1', role: 'MEMBER', tokenId: 'j', expiresAt: new Date() };
    const { principals, jwt } = service(async () => user);
    await expect(principals.resolve({ bearer: 'a.b.c' })).resolves.toBe(user);
    expect(jwt.authenticateBearer).toHaveBeenCalledWith('a.b.c');
    await expect(codeOf(principals.resolve({ bearer: '' }))).resolves.toBe('UNAUTHENTICATED');
  });

  it('answers null when there are no credentials at all', async () => {
    await expect(service().principals.resolve({})).resolves.toBeNull();
  });
});

describe('credentialsFrom', () => {
  it('reads headers and connectionParams case-insensitively', () => {
    expect(credentialsFrom({ Authorization: 'Bearer  t0k ', 'X-App-Id': '3', 'x-app-secret': 's', 'X-ADMIN-KEY': 'k' }))
      .toEqual({ bearer: 't0k', appId: '3', appSecret: 's', adminKey: 'k' });
  });

  it('treats a non-Bearer authorization as an empty bearer, and non-strings as absent', () => {
    expect(credentialsFrom({ authorization: 'Basic xyz' }).bearer).toBe('');
    expect(credentialsFrom({ authorization: 42, 'x-app-id': { a: 1 } })).toEqual({ adminKey: undefined, appId: undefined, appSecret: undefined, bearer: undefined });
    expect(credentialsFrom(undefined)).toEqual({});
  });
});
