import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppScope } from '../database/app-scope.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { ScopedRepository } from '../database/scoped-repository.js';
import { Tx } from '../database/transaction.js';
import { conflict } from '../common/errors/chat-error.js';
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
      meta: values.meta ?? null, directKey: values.directKey ?? null, lastMessageId: null, createdAt: now, updatedAt: now,
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
}
