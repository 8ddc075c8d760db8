import { INestApplication } from '@nestjs/common';
import { AppsService } from '../../src/apps/apps.service.js';
import { AppSettings } from '../../src/apps/app-settings.js';
import { TokensService } from '../../src/auth/tokens.service.js';
import { scopeOf } from '../../src/database/app-scope.js';
import { UserRole } from '../../src/users/user.model.js';
import { UsersService } from '../../src/users/users.service.js';
import { asApp, asUser, Headers } from './clients.js';

let sequence = 0;
export const unique = (prefix: string) => `${prefix}${process.pid}x${++sequence}`;

/** Flood control loose enough for tests that send hundreds of messages as one user. */
export const BULK_SENDING: Partial<AppSettings> = { rateLimit: { count: 10_000, seconds: 1 } };

export interface TestAppTenant {
  id: string;
  secret: string;
  lobbyId: string;
  headers: Headers;
}

export interface TestUser {
  id: string;
  uname: string;
  token: string;
  hashedToken: string;
  headers: Headers;
}

/** Test data made through the real services (never raw SQL), so they break when the schema does. */
export class Factories {
  constructor(private readonly nest: INestApplication) {}

  /** A new app; `settings` changes its defaults, e.g. a loose rate limit for tests that send a lot. */
  async app(name = unique('app'), settings?: Partial<AppSettings>): Promise<TestAppTenant> {
    const created = await this.nest.get(AppsService).create(name);
    if (settings) await this.nest.get(AppsService).updateSettings(scopeOf(created.app.id), settings);
    const lobby = await this.nest.get(AppsService).lobby(scopeOf(created.app.id));
    return { id: created.app.id, secret: created.secret, lobbyId: lobby.id, headers: asApp({ id: created.app.id, secret: created.secret }) };
  }

  async user(app: TestAppTenant, options: { uname?: string; role?: UserRole } = {}): Promise<TestUser> {
    const scope = scopeOf(app.id);
    const user = await this.nest.get(UsersService).create(scope, { uname: options.uname ?? unique('u'), role: options.role });
    const token = await this.nest.get(TokensService).issue(scope, user.id);
    return { id: user.id, uname: user.uname, token: token.token, hashedToken: token.hashedToken, headers: asUser(token.token) };
  }
}
