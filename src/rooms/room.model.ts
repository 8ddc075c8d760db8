import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JSONScalar } from '../common/graphql/scalars.js';

export enum RoomType { OPEN = 'OPEN', GROUP = 'GROUP', DIRECT = 'DIRECT' }
registerEnumType(RoomType, {
  name: 'RoomType',
  description: 'OPEN: anyone in the app may read and join. GROUP: members only. DIRECT: exactly two users.',
});

@ObjectType()
export class Room {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true, description: 'Client-chosen key, unique per app ("lobby" for the legacy lobby).' })
  key: string | null;

  @Field(() => String, { nullable: true })
  name: string | null;

  @Field(() => RoomType)
  type: RoomType;

  @Field(() => String, { nullable: true })
  status: string | null;

  @Field()
  frozen: boolean;

  @Field(() => JSONScalar, { nullable: true })
  meta: Record<string, unknown> | null;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;
}

export const toRoom = (row: {
  id: string; key: string | null; name: string | null; type: string; status: string | null; frozen: boolean;
  meta: Record<string, unknown> | null; createdAt: Date; updatedAt: Date;
}): Room => ({
  id: row.id, key: row.key, name: row.name, type: row.type as RoomType, status: row.status, frozen: row.frozen,
  meta: row.meta, createdAt: row.createdAt, updatedAt: row.updatedAt,
});

@ObjectType()
export class RoomPage {
  @Field(() => [Room])
  nodes: Room[];

  @Field(() => Int)
  total: number;
}
