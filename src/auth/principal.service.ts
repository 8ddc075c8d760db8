import { Injectable } from '@nestjs/common';
import { unauthenticated } from '../common/errors/chat-error.js';
import { isIntegerId } from '../common/graphql/id.args.js';
import { AppConfig } from '../config/app-config.js';
import { scopeOf } from '../database/app-scope.js';
import { AppsService } from '../apps/apps.service.js';
import { Credentials, Principal } from './principal.js';
import { secretsEqual } from './secrets.js';
import { UserJwtStrategy } from './user-jwt.strategy.js';

/** The only code that makes a Principal. Transports extract Credentials and call resolve(). */
@Injectable()
export class PrincipalService {
  constructor(
    private readonly config: AppConfig,
    private readonly apps: AppsService,
    private readonly userJwt: UserJwtStrategy,
  ) {}

  /** null: no credentials at all. Throws UNAUTHENTICATED for credentials that do not check out. */
  async resolve(credentials: Credentials): Promise<Principal | null> {
    if (credentials.adminKey !== undefined) {
      if (!secretsEqual(credentials.adminKey, this.config.adminKey)) throw unauthenticated('Invalid admin key');
      return { kind: 'operator' };
    }
    if (credentials.appId !== undefined || credentials.appSecret !== undefined) {
      return this.resolveApp(credentials.appId, credentials.appSecret);
    }
    if (credentials.bearer !== undefined) {
      if (credentials.bearer === '') throw unauthenticated('Authorization must be "Bearer <token>"');
      return this.userJwt.authenticateBearer(credentials.bearer);
    }
    return null;
  }

  private async resolveApp(appId: string | undefined, secret: string | undefined): Promise<Principal> {
    if (appId === undefined || secret === undefined) throw unauthenticated('Send both x-app-id and x-app-secret');
    const app = isIntegerId(appId) ? await this.apps.credentials(appId) : null;
    // Compare even when the app is missing, so timing does not tell which apps exist.
    const ok = secretsEqual(secret, app?.secret ?? 'no-such-app');
    if (!app || !ok) throw unauthenticated('Invalid app id or secret');
    return { kind: 'app', scope: scopeOf(app.id) };
  }
}
