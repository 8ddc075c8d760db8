import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsEnum, IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PageArgs } from '../common/graphql/page.args.js';
import { JSONScalar } from '../common/graphql/scalars.js';
import { RoomType } from './room.model.js';

const KEY = /^[A-Za-z0-9_.:@-]{1,191}$/;
const KEY_MESSAGE = 'key must be 1–191 letters, digits, _ . : @ or -';
const INTEGER_ID = /^[1-9]\d{0,18}$/;

@InputType()
export class CreateRoomInput {
  @Field(() => String, { nullable: true, description: 'Your own key for the room, unique per app.' })
  @IsOptional() @IsString() @Matches(KEY, { message: KEY_MESSAGE })
  key?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional() @IsString() @Length(1, 191)
  name?: string | null;

  @Field(() => RoomType, { nullable: true, defaultValue: RoomType.GROUP })
  @IsOptional() @IsEnum(RoomType)
  type?: RoomType;

  @Field(() => String, { nullable: true, description: 'Free-form status of your own (e.g. "active", "archived").' })
  @IsOptional() @IsString() @Length(1, 32)
  status?: string | null;

  @Field(() => JSONScalar, { nullable: true })
  @IsOptional() @IsObject()
  meta?: Record<string, unknown> | null;

  @Field(() => [ID], { nullable: true, description: 'Users to add as members at once (exactly two for DIRECT).' })
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @Matches(INTEGER_ID, { each: true, message: 'memberIds must be integer ids' })
  memberIds?: string[] | null;
}

@InputType()
export class UpdateRoomInput {
  @Field(() => String, { nullable: true })
  @IsOptional() @IsString() @Matches(KEY, { message: KEY_MESSAGE })
  key?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional() @IsString() @Length(1, 191)
  name?: string | null;

  @Field(() => RoomType, { nullable: true, description: 'OPEN and GROUP may swap; DIRECT rooms stay DIRECT.' })
  @IsOptional() @IsEnum(RoomType)
  type?: RoomType | null;

  @Field(() => String, { nullable: true })
  @IsOptional() @IsString() @Length(1, 32)
  status?: string | null;

  @Field(() => JSONScalar, { nullable: true, description: 'Replaces meta whole; use updateRoomMeta to change keys.' })
  @IsOptional() @IsObject()
  meta?: Record<string, unknown> | null;
}

@ArgsType()
export class RoomsArgs extends PageArgs {
  @Field(() => RoomType, { nullable: true })
  @IsOptional() @IsEnum(RoomType)
  type?: RoomType | null;

  @Field(() => String, { nullable: true, description: 'Rooms whose name contains this, case-insensitively.' })
  @IsOptional() @IsString() @Length(1, 191)
  nameContains?: string | null;

  @Field(() => ID, { nullable: true, description: 'Rooms this user is a member of.' })
  @IsOptional() @Matches(INTEGER_ID, { message: 'memberId must be an integer id' })
  memberId?: string | null;
}
