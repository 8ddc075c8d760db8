import { Field, ID, InputType, Int, ObjectType, registerEnumType, ArgsType } from '@nestjs/graphql';
import { IsEnum, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { Message } from '../messages/message.model.js';
import { User } from '../users/user.model.js';

export enum ReportTarget { USER = 'USER', ROOM = 'ROOM', MESSAGE = 'MESSAGE' }
export enum ReportCategory { GENERAL = 'GENERAL', SPAM = 'SPAM', PROFANITY = 'PROFANITY', OTHER = 'OTHER', CUSTOM = 'CUSTOM' }
export enum ReportStatus { OPEN = 'OPEN', RESOLVED = 'RESOLVED', DISMISSED = 'DISMISSED' }
registerEnumType(ReportTarget, { name: 'ReportTarget' });
registerEnumType(ReportCategory, { name: 'ReportCategory' });
registerEnumType(ReportStatus, { name: 'ReportStatus' });

const INTEGER_ID = /^[1-9]\d{0,18}$/;

@ObjectType()
export class Report {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { nullable: true, description: 'The room it concerns (the reported room, or where the message or user was).' })
  roomId: string | null;

  @Field(() => User, { nullable: true, description: 'Null once the reporting user is deleted.' })
  reporter: User | null;

  @Field(() => ReportTarget)
  targetType: ReportTarget;

  @Field(() => User, { nullable: true })
  targetUser: User | null;

  @Field(() => Message, { nullable: true })
  targetMessage: Message | null;

  @Field(() => ReportCategory)
  category: ReportCategory;

  @Field(() => String, { nullable: true })
  reason: string | null;

  @Field(() => ReportStatus)
  status: ReportStatus;

  @Field(() => String, { nullable: true })
  resolution: string | null;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  resolvedAt: Date | null;
}

@InputType({ description: 'Name exactly one target: userId (with roomId for where), roomId alone, or messageId.' })
export class CreateReportInput {
  @Field(() => ReportTarget)
  @IsEnum(ReportTarget)
  targetType: ReportTarget;

  @Field(() => ID, { nullable: true })
  @IsOptional() @Matches(INTEGER_ID, { message: 'userId must be an integer id' })
  userId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional() @Matches(INTEGER_ID, { message: 'roomId must be an integer id' })
  roomId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional() @Matches(INTEGER_ID, { message: 'messageId must be an integer id' })
  messageId?: string | null;

  @Field(() => ReportCategory)
  @IsEnum(ReportCategory)
  category: ReportCategory;

  @Field(() => String, { nullable: true, description: 'Required for CUSTOM.' })
  @IsOptional() @IsString() @Length(1, 500)
  reason?: string | null;
}

@ArgsType()
export class ReportsArgs {
  @Field(() => ID, { nullable: true, description: 'The room\'s reports; without it (app backend only) the whole app\'s.' })
  @IsOptional() @Matches(INTEGER_ID, { message: 'roomId must be an integer id' })
  roomId?: string | null;

  @Field(() => ReportStatus, { nullable: true })
  @IsOptional() @IsEnum(ReportStatus)
  status?: ReportStatus | null;

  @Field(() => Int, { nullable: true, description: '1 to 100 (default 50), newest first.' })
  @IsOptional() @IsInt() @Min(1) @Max(100)
  limit?: number | null;

  @Field(() => ID, { nullable: true, description: 'Reports older than this id.' })
  @IsOptional() @Matches(INTEGER_ID, { message: 'before must be an integer id' })
  before?: string | null;
}
