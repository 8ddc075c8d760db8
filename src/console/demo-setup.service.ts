import { Injectable } from '@nestjs/common';
import { AppsService } from '../apps/apps.service.js';
import { TokensService } from '../auth/tokens.service.js';
import { scopeOf } from '../database/app-scope.js';
import { UserRole } from '../users/user.model.js';
import { UsersService } from '../users/users.service.js';

export interface DemoUser {
  id: string;
  uname: string;
  role: UserRole;
  token: string;
  hashedToken: string;
  expiresAt: Date;
  /** Relative links that open the demo pages, and the IDE with this user's Authorization header, as this user. */
  links: { legacy: string; graphql: string; graphiql: string };
}

export interface DemoSetup {
  app: { id: string; name: string; secret: string; lobbyId: string };
  users: DemoUser[];
  /** Relative link to the GraphQL IDE with the app backend's headers (x-app-id, x-app-secret) filled in. */
  graphiql: string;
}

const DEMO_USERS: readonly { uname: string; role: UserRole }[] = [
  { uname: 'alice', role: UserRole.OWNER },
  { uname: 'bob', role: UserRole.MEMBER },
];

/** A first query for the app backend (the IDE's own default is a user's `me` and `myRooms`). */
const APP_QUERY = '{\n  app { id name lobby { id memberCount } }\n  users(size: 20) { total nodes { id uname role online } }\n}\n';

/** The IDE (GET /graphql) opened with these request headers in its header editor (and this query). */
const ideLink = (headers: Record<string, string>, query?: string) =>
  `/graphql?${new URLSearchParams({ ...(query ? { query } : {}), headers: JSON.stringify(headers) })}`;

/** Development only (the controller checks): a fresh app, two users and their tokens, through the real services. */
@Injectable()
export class DemoSetupService {
  constructor(private readonly apps: AppsService, private readonly users: UsersService, private readonly tokens: TokensService) {}

  async create(): Promise<DemoSetup> {
    const created = await this.apps.create(`Demo ${new Date().toISOString()}`);
    // A brand-new app, made just above: its scope starts here, as in the CLI.
    const scope = scopeOf(created.app.id);
    const lobby = await this.apps.lobby(scope);
    const users: DemoUser[] = [];
    for (const spec of DEMO_USERS) {
      const user = await this.users.create(scope, { uname: spec.uname, role: spec.role });
      const token = await this.tokens.issue(scope, user.id);
      const legacy = new URLSearchParams({ app_id: created.app.id, hashed_token: token.hashedToken });
      users.push({
        id: user.id, uname: user.uname, role: user.role, token: token.token, hashedToken: token.hashedToken, expiresAt: token.expiresAt,
        links: {
          legacy: `/demo/legacy?${legacy}`,
          graphql: `/demo/graphql?${new URLSearchParams({ token: token.token })}`,
          graphiql: ideLink({ Authorization: `Bearer ${token.token}` }),
        },
      });
    }
    return {
      app: { id: created.app.id, name: created.app.name, secret: created.secret, lobbyId: lobby.id },
      users,
      graphiql: ideLink({ 'x-app-id': created.app.id, 'x-app-secret': created.secret }, APP_QUERY),
    };
  }
}
