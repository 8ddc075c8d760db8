import * as ops from '../generated/graphql.js';
import { IDEMPOTENT, ONCE, type Call, type Vars } from './call.js';

/** `chat.moderation`: mutes, bans, freezing, room managers, reports and the moderation log. */
export class ModerationApi {
  constructor(private readonly call: Call) {}
  /** 1 to 525,600 minutes; replaces a running mute. */
  async mute(roomId: string, userId: string, minutes: number, options: { reason?: string } = {}) {
    return (await this.call(ops.MuteUserDocument, { roomId, userId, minutes, ...options }, ONCE)).muteUser;
  }
  async unmute(roomId: string, userId: string) { return (await this.call(ops.UnmuteUserDocument, { roomId, userId }, ONCE)).unmuteUser; }
  async mutes(roomId: string) { return (await this.call(ops.MutesDocument, { roomId }, IDEMPOTENT)).mutes; }
  /** Without `seconds`, until unbanned. The user leaves the room at once. */
  async ban(roomId: string, userId: string, options: { seconds?: number; reason?: string } = {}) {
    return (await this.call(ops.BanUserDocument, { roomId, userId, ...options }, ONCE)).banUser;
  }
  async unban(roomId: string, userId: string) { return (await this.call(ops.UnbanUserDocument, { roomId, userId }, ONCE)).unbanUser; }
  async bans(roomId: string) { return (await this.call(ops.BannedUsersDocument, { roomId }, IDEMPOTENT)).bannedUsers; }
  async freeze(roomId: string) { return (await this.call(ops.FreezeRoomDocument, { roomId, frozen: true }, IDEMPOTENT)).freezeRoom; }
  async unfreeze(roomId: string) { return (await this.call(ops.FreezeRoomDocument, { roomId, frozen: false }, IDEMPOTENT)).freezeRoom; }
  async addManager(roomId: string, userId: string) { return (await this.call(ops.RegisterManagerDocument, { roomId, userId }, IDEMPOTENT)).registerManager; }
  async removeManager(roomId: string, userId: string) { return (await this.call(ops.DeleteManagerDocument, { roomId, userId }, ONCE)).deleteManager; }
  /** Reports, newest first: one room's, or (without roomId) the whole app's. */
  async reports(filter: Vars<typeof ops.ReportsDocument> = {}) { return (await this.call(ops.ReportsDocument, filter, IDEMPOTENT)).reports; }
  async resolveReport(id: string, status: ops.ReportStatus, resolution?: string) {
    return (await this.call(ops.ResolveReportDocument, { id, status, resolution }, IDEMPOTENT)).resolveReport;
  }
  /** Moderation actions, newest first. */
  async log(filter: Vars<typeof ops.ModerationLogDocument> = {}) { return (await this.call(ops.ModerationLogDocument, filter, IDEMPOTENT)).moderationLog; }
}
