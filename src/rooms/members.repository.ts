import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, LessThan, Or } from 'typeorm';
import { AppScope } from '../database/app-scope.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { ScopedRepository } from '../database/scoped-repository.js';
import { Tx } from '../database/transaction.js';
import { MuteEntity } from './mute.entity.js';
import { UserEntity } from '../users/user.entity.js';
import { MemberEntity, MemberRoleValue } from './member.entity.js';

/** A membership with its user and the end of a running mute, as the members list shows it. */
export type MemberWithUser = MemberEntity & { userRow: UserEntity; mute?: MuteEntity | null };

@Injectable()
export class MembersRepository extends ScopedRepository<MemberEntity> {
  constructor(db: DataSource) {
    super(db, MemberEntity, 'member');
  }

  /** Adds the membership unless it exists; says which happened. */
  async insertOnce(scope: AppScope, values: { roomId: string; userId: string; role: MemberRoleValue }, tx?: Tx): Promise<{ member: MemberEntity; created: boolean }> {
    const row = this.stamp<MemberEntity>(scope, {
      ...values, joinedAt: new Date(), lastReadMessageId: null, lastDeliveredMessageId: null,
    } as Omit<MemberEntity, 'appId' | 'id'> as Omit<MemberEntity, 'appId'>);
    try {
      const saved = await this.manager(tx).save(MemberEntity, this.manager(tx).create(MemberEntity, row));
      return { member: saved, created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.find(scope, values.roomId, values.userId, tx);
      if (!existing) throw error;
      return { member: existing, created: false };
    }
  }

  find(scope: AppScope, roomId: string, userId: string, tx?: Tx): Promise<MemberEntity | null> {
    return this.select(scope, tx).andWhere('member.roomId = :roomId AND member.userId = :userId', { roomId, userId }).getOne();
  }

  /** Members with their users and running mutes, oldest membership first. */
  listWithUsers(scope: AppScope, roomId: string, only: { userId?: string; role?: MemberRoleValue } = {}): Promise<MemberWithUser[]> {
    const query = this.select(scope)
      .innerJoinAndMapOne('member.userRow', UserEntity, 'u', this.joinOn('u', 'u.id = member.userId'))
      .leftJoinAndMapOne('member.mute', MuteEntity, 'mute', this.joinOn('mute', 'mute.roomId = member.roomId AND mute.userId = member.userId AND mute.endsAt > :now'), { now: new Date() })
      .andWhere('member.roomId = :roomId', { roomId })
      .orderBy('member.id', 'ASC');
    if (only.userId) query.andWhere('member.userId = :userId', { userId: only.userId });
    if (only.role) query.andWhere('member.role = :role', { role: only.role });
    return query.getMany() as Promise<MemberWithUser[]>;
  }

  /** The memberships of these rooms (read and delivered positions included), in one statement. */
  listInRooms(scope: AppScope, roomIds: readonly string[]): Promise<MemberEntity[]> {
    if (roomIds.length === 0) return Promise.resolve([]);
    return this.select(scope).andWhere('member.roomId IN (:...roomIds)', { roomIds: [...roomIds] }).getMany();
  }

  async userIds(scope: AppScope, roomId: string): Promise<string[]> {
    const rows = await this.select(scope).select('member.userId', 'userId').andWhere('member.roomId = :roomId', { roomId }).getRawMany<{ userId: unknown }>();
    return rows.map((r) => String(r.userId));
  }

  async roomIdsOf(scope: AppScope, userId: string): Promise<string[]> {
    const rows = await this.select(scope).select('member.roomId', 'roomId').andWhere('member.userId = :userId', { userId }).getRawMany<{ roomId: unknown }>();
    return rows.map((r) => String(r.roomId));
  }

  async countByRoom(scope: AppScope, roomIds: readonly string[]): Promise<Map<string, number>> {
    if (roomIds.length === 0) return new Map();
    const rows = await this.select(scope).select('member.roomId', 'roomId').addSelect('COUNT(*)', 'count')
      .andWhere('member.roomId IN (:...roomIds)', { roomIds }).groupBy('member.roomId').getRawMany<{ roomId: unknown; count: unknown }>();
    return new Map(rows.map((r) => [String(r.roomId), Number(r.count)]));
  }

  delete(scope: AppScope, roomId: string, userId: string, tx?: Tx): Promise<number> {
    return this.remove(scope, { roomId, userId }, tx);
  }

  async setRole(scope: AppScope, roomId: string, userId: string, role: MemberRoleValue): Promise<void> {
    await this.update(scope, { roomId, userId }, { role });
  }

  /** Moves a read or delivered position forward only; returns whether it moved. */
  async advance(scope: AppScope, roomId: string, userId: string, position: 'read' | 'delivered', messageId: string): Promise<boolean> {
    const property = position === 'read' ? 'lastReadMessageId' : 'lastDeliveredMessageId';
    const result = await this.update(scope, { roomId, userId, [property]: Or(IsNull(), LessThan(messageId)) } as never, { [property]: messageId });
    return (result.affected ?? 0) > 0;
  }
}
