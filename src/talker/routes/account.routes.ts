import { Injectable } from '@nestjs/common';
import { TalkerAccountsService } from '../../accounts/talker-accounts.service.js';
import { badRequest } from '../talker-errors.js';
import { payloadObject, requiredId, requiredString, wireId } from '../talker-params.js';
import type { TalkerRoute } from '../talker-route.js';
import type { TalkerRouteProvider } from '../talker-routes.js';

/** Longest text accepted where an email is expected (longer is refused as BAD_REQUEST before any rule). */
const MAX_EMAIL_TEXT = 320;
const MAX_USERNAME_TEXT = 64;
const MAX_HASH = 1024;
const MAX_SEARCH = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The account routes: /isUsed/email, /isUsed/username, /register, /register/confirm, /search/users. */
@Injectable()
export class AccountRoutes implements TalkerRouteProvider {
  constructor(private readonly accounts: TalkerAccountsService) {}

  routes(): TalkerRoute[] {
    const isUsedEmail: TalkerRoute<string, boolean> = {
      name: '/isUsed/email', serve: 'both', auth: false,
      parse: (raw) => requiredString(payloadObject(raw), 'email', MAX_EMAIL_TEXT),
      handle: (email) => this.accounts.isEmailUsed(email),
    };
    const isUsedUsername: TalkerRoute<string, boolean> = {
      name: '/isUsed/username', serve: 'both', auth: false,
      parse: (raw) => requiredString(payloadObject(raw), 'username', MAX_USERNAME_TEXT),
      handle: (username) => this.accounts.isUsernameUsed(username),
    };
    const register: TalkerRoute<{ email: string; username: string; hash: string }, { id: number }> = {
      name: '/register', serve: 'both', auth: false,
      parse: (raw) => {
        const payload = payloadObject(raw);
        return {
          email: requiredString(payload, 'email', MAX_EMAIL_TEXT),
          username: requiredString(payload, 'username', MAX_USERNAME_TEXT),
          hash: requiredString(payload, 'hash', MAX_HASH),
        };
      },
      handle: async (input) => ({ id: wireId((await this.accounts.register(input)).id) }),
    };
    const confirm: TalkerRoute<{ id: string; uuid: string }, { id: number; confirmed: true }> = {
      name: '/register/confirm', serve: 'both', auth: false,
      parse: (raw) => {
        const payload = payloadObject(raw);
        const id = requiredId(payload, 'id');
        const uuid = requiredString(payload, 'uuid', 36);
        if (!UUID.test(uuid)) throw badRequest('uuid must be the uuid from the confirmation mail');
        return { id, uuid };
      },
      handle: async ({ id, uuid }) => ({ id: wireId((await this.accounts.confirm(id, uuid)).id), confirmed: true }),
    };
    const searchUsers: TalkerRoute<string, { id: number; username: string }[]> = {
      name: '/search/users', serve: 'both', auth: false,
      parse: (raw) => {
        const text = requiredString(payloadObject(raw), 'user_name', MAX_SEARCH);
        if (text.trim() === '') throw badRequest('user_name must not be blank');
        return text;
      },
      handle: async (text) => (await this.accounts.searchUsers(text)).map((user) => ({ id: wireId(user.id), username: user.username })),
    };
    return [isUsedEmail, isUsedUsername, register, confirm, searchUsers] as TalkerRoute[];
  }
}
