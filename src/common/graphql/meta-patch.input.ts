import { Field, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString } from 'class-validator';
import { JSONScalar } from './scalars.js';

/** The meta patch of rooms, users and messages (updateRoomMeta, updateUserMeta, updateMessageMeta). */
@InputType({ description: 'Keys to set (merged in) and keys to remove.' })
export class MetaPatchInput {
  @Field(() => JSONScalar, { nullable: true })
  @IsOptional() @IsObject()
  set?: Record<string, unknown> | null;

  @Field(() => [String], { nullable: true })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true })
  remove?: string[] | null;
}

export function applyMetaPatch(meta: Record<string, unknown> | null, patch: MetaPatchInput): Record<string, unknown> | null {
  const next: Record<string, unknown> = { ...(meta ?? {}), ...(patch.set ?? {}) };
  for (const key of patch.remove ?? []) delete next[key];
  return Object.keys(next).length ? next : null;
}
