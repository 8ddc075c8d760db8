import { Field, InputType } from '@nestjs/graphql';
import { IsBoolean, IsEnum, IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';
import { JSONScalar } from '../common/graphql/scalars.js';
import { UserRole } from './user.model.js';

export const UNAME_PATTERN = /^[A-Za-z0-9_.-]{1,32}$/;

@InputType()
export class CreateUserInput {
  @Field()
  @IsString() @Matches(UNAME_PATTERN, { message: 'uname must be 1–32 letters, digits, _, - or .' })
  uname: string;

  @Field(() => String, { nullable: true })
  @IsOptional() @IsString() @Length(1, 191)
  externalId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional() @IsString() @Length(1, 100)
  displayName?: string | null;

  @Field(() => UserRole, { nullable: true, defaultValue: UserRole.MEMBER })
  @IsOptional() @IsEnum(UserRole)
  role?: UserRole;

  @Field({ nullable: true, defaultValue: false })
  @IsOptional() @IsBoolean()
  isBot?: boolean;

  @Field(() => JSONScalar, { nullable: true })
  @IsOptional() @IsObject()
  meta?: Record<string, unknown> | null;
}
