import * as ops from '../generated/graphql.js';
import { IDEMPOTENT, ONCE, orNull, type Call, type Vars } from './call.js';

/** `chat.rooms`: rooms and their members. */
export class RoomsApi {
  constructor(private readonly call: Call) {}
  async create(input: ops.CreateRoomInput) { return (await this.call(ops.CreateRoomDocument, { input }, ONCE)).createRoom; }
  /** By id, or by your key: `get({ key: 'team-42' })`. null when there is no such room. */
  async get(idOrKey: string | { id?: string; key?: string }) {
    const by = typeof idOrKey === 'string' ? { id: idOrKey } : idOrKey;
    return orNull(this.call(ops.RoomDocument, by, IDEMPOTENT).then((r) => r.room));
  }
  async list(filter: Vars<typeof ops.RoomsDocument> = {}) { return (await this.call(ops.RoomsDocument, filter, IDEMPOTENT)).rooms; }
  async update(id: string, input: ops.UpdateRoomInput) { return (await this.call(ops.UpdateRoomDocument, { id, input }, IDEMPOTENT)).updateRoom; }
  async updateMeta(id: string, patch: ops.MetaPatchInput) { return (await this.call(ops.UpdateRoomMetaDocument, { id, patch }, IDEMPOTENT)).updateRoomMeta; }
  /** `{ok: false, reason: "Room not found"}` for a missing room. */
  async delete(id: string) { return (await this.call(ops.DeleteRoomDocument, { id }, ONCE)).deleteRoom; }
  async addMember(roomId: string, userId: string, role?: ops.MemberRole) { return (await this.call(ops.AddMemberDocument, { roomId, userId, role }, ONCE)).addMember; }
  async removeMember(roomId: string, userId: string) { return (await this.call(ops.RemoveMemberDocument, { roomId, userId }, ONCE)).removeMember; }
  async members(roomId: string) { return (await this.call(ops.MembersDocument, { roomId }, IDEMPOTENT)).members; }
  /** Members connected now (for an OPEN room: anyone of the app). */
  async online(roomId: string) { return (await this.call(ops.OnlineMembersDocument, { roomId }, IDEMPOTENT)).onlineMembers; }
}
