import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppScope } from '../database/app-scope.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { containsPattern } from '../database/like-pattern.js';
import { ScopedRepository } from '../database/scoped-repository.js';
import { Tx } from '../database/transaction.js';
import { conflict } from '../common/errors/chat-error.js';
import { MemberEntity } from './member.entity.js';
import { RoomEntity, RoomTypeValue } from './room.entity.js';

export interface NewRoom {
  key: string | null;
  name: string | null;
  type: RoomTypeValue;
  status?: string | null;
  meta?: Record<string, unknown> | null;
  directKey?: string | null;
}

@Injectable()
export class RoomsRepository extends ScopedRepository<RoomEntity> {
  constructor(db: DataSource) {
    super(db, RoomEntity, 'room');
  }

  async insert(scope: AppScope, values: NewRoom, tx?: Tx): Promise<RoomEntity> {
    const now = new Date();
    const row = this.stamp<RoomEntity>(scope, {
      key: values.key, name: values.name, type: values.type, status: values.status ?? null, frozen: false,
      meta: values.meta ?? null, directKey: values.directKey ?? null, createdAt: now, updatedAt: now,
    } as Omit<RoomEntity, 'appId'>);
    try {
      return await this.manager(tx).save(RoomEntity, this.manager(tx).create(RoomEntity, row));
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`A room with key "${values.key}" already exists`);
      throw error;
    }
  }

  findById(scope: AppScope, id: string, tx?: Tx): Promise<RoomEntity | null> {
    return this.select(scope, tx).andWhere('room.id = :id', { id }).getOne();
  }

  findByKey(scope: AppScope, key: string, tx?: Tx): Promise<RoomEntity | null> {
    return this.select(scope, tx).andWhere('room.key = :key', { key }).getOne();
  }

  findByDirectKey(scope: AppScope, directKey: string, tx?: Tx): Promise<RoomEntity | null> {
    return this.select(scope, tx).andWhere('room.directKey = :directKey', { directKey }).getOne();
  }

  findByIds(scope: AppScope, ids: readonly string[]): Promise<RoomEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.select(scope).andWhere('room.id IN (:...ids)', { ids }).getMany();
  }

  /** Rooms of the app, filtered, newest first. */
  listPage(scope: AppScope, filter: RoomFilter, offset: number, limit: number): Promise<[RoomEntity[], number]> {
    const query = this.select(scope).orderBy('room.id', 'DESC').skip(offset).take(limit);
    if (filter.type) query.andWhere('room.type = :type', { type: filter.type });
    if (filter.nameContains) {
      query.andWhere("LOWER(room.name) LIKE :name ESCAPE '!'", { name: containsPattern(filter.nameContains.toLowerCase()) });
    }
    if (filter.memberId) {
      const roomsOfMember = this.subquery(query, MemberEntity, 'rm').select('rm.roomId').andWhere('rm.userId = :memberId');
      query.andWhere(`room.id IN ${roomsOfMember.getQuery()}`, { memberId: filter.memberId });
    }
    return query.getManyAndCount();
  }

  /**
   * The user's rooms, most recently active first: by each room's newest message id, which the
   * history index (room_id, id) answers with one probe per room, so sending never has to write
   * the room row.
   */
  ofMember(scope: AppScope, userId: string): Promise<RoomEntity[]> {
    const query = this.select(scope)
      .innerJoin(MemberEntity, 'member', this.joinOn('member', 'member.roomId = room.id AND member.userId = :userId'), { userId });
    const newest = this.subquery(query, 'messages', 'm') /* by table name: messages/ sits above rooms/ */.select('MAX(m.id)').andWhere('m.roomId = room.id');
    return query.orderBy(`COALESCE(${newest.getQuery()}, 0)`, 'DESC').addOrderBy('room.id', 'DESC').getMany();
  }

  async updateFields(scope: AppScope, id: string, values: Partial<Pick<RoomEntity, 'name' | 'status' | 'type' | 'meta' | 'frozen' | 'key'>>): Promise<void> {
    try {
      await this.update(scope, { id }, { ...values, updatedAt: new Date() });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`A room with key "${values.key}" already exists`);
      throw error;
    }
  }

  delete(scope: AppScope, id: string): Promise<number> {
    return this.remove(scope, { id });
  }
}

export interface RoomFilter {
  type?: RoomTypeValue | null;
  nameContains?: string | null;
  memberId?: string | null;
}
