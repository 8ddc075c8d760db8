import * as ops from '../generated/graphql.js';
import { IDEMPOTENT, ONCE, orNull, type Call } from './call.js';

/** `chat.users`: the app's users (EZChat's chatters). */
export class UsersApi {
  constructor(private readonly call: Call) {}
  async create(input: ops.CreateUserInput) { return (await this.call(ops.CreateUserDocument, { input }, ONCE)).createUser; }
  /** null when there is no such user in your app. */
  async get(id: string) { return orNull(this.call(ops.UserDocument, { id }, IDEMPOTENT).then((r) => r.user)); }
  async list(page: { page?: number; size?: number } = {}) { return (await this.call(ops.UsersDocument, page, IDEMPOTENT)).users; }
  /** Sets (`set`) and removes (`remove`) meta keys. */
  async updateMeta(id: string, patch: ops.MetaPatchInput) { return (await this.call(ops.UpdateUserMetaDocument, { id, patch }, IDEMPOTENT)).updateUserMeta; }
  async setRole(userId: string, role: ops.UserRole) { return (await this.call(ops.SetUserRoleDocument, { userId, role }, IDEMPOTENT)).setUserRole; }
  /** `{ok: false, reason}` for a user that does not exist. */
  async delete(id: string) { return (await this.call(ops.DeleteUserDocument, { id }, ONCE)).deleteUser; }
  /** Returns how many of the ids existed. */
  async deleteMany(ids: string[]) { return (await this.call(ops.DeleteUsersDocument, { ids }, ONCE)).deleteUsers; }
}
