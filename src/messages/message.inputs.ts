import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { JSONScalar } from '../common/graphql/scalars.js';
import { MessageKind } from './message.model.js';

export const MAX_PAGE = 100;
const INTEGER_ID = /^[1-9]\d{0,18}$/;

@InputType()
export class SendMessageInput {
  @Field({ description: 'Trimmed; 1 to the app\'s limit (4000 by default) characters; may be empty ("") when attachmentIds are given.' })
  @IsString()
  text: string;

  @Field(() => [ID], { nullable: true, description: 'Uploads (POST /media) of the sender to attach, at most 10: the message is then a FILE message. Each upload is attached once.' })
  @IsOptional() @IsArray() @ArrayMaxSize(10) @Matches(INTEGER_ID, { each: true, message: 'attachmentIds must be integer ids' })
  attachmentIds?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Your idempotency key: the same key from the same sender returns the first message.' })
  @IsOptional() @IsString() @Length(1, 64)
  clientMsgId?: string | null;

  @Field(() => JSONScalar, { nullable: true })
  @IsOptional() @IsObject()
  meta?: Record<string, unknown> | null;

  @Field(() => ID, { nullable: true, description: 'App backend only: send as this user (a bot, say). Without it the message is a SYSTEM message.' })
  @IsOptional() @Matches(INTEGER_ID, { message: 'asUserId must be an integer id' })
  asUserId?: string | null;

  @Field(() => MessageKind, { nullable: true, description: 'TEXT by default (FILE when attachmentIds are given); FILE for a file described in meta.' })
  @IsOptional() @IsEnum(MessageKind)
  kind?: MessageKind | null;
}

@ArgsType()
export class MessagesArgs {
  @Field(() => ID)
  @Matches(INTEGER_ID, { message: 'roomId must be an integer id' })
  roomId: string;

  @Field(() => ID, { nullable: true, description: 'Messages older than this id (a page upward).' })
  @IsOptional() @Matches(INTEGER_ID, { message: 'before must be an integer id' })
  before?: string | null;

  @Field(() => ID, { nullable: true, description: 'Messages newer than this id (a page downward).' })
  @IsOptional() @Matches(INTEGER_ID, { message: 'after must be an integer id' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: `1 to ${MAX_PAGE} (default 50).` })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_PAGE)
  limit?: number | null;
}

@ArgsType()
export class SearchMessagesArgs {
  @Field(() => ID)
  @Matches(INTEGER_ID, { message: 'roomId must be an integer id' })
  roomId: string;

  @Field()
  @IsString() @Length(1, 200)
  query: string;

  @Field(() => Int, { nullable: true, description: `1 to ${MAX_PAGE} (default 20), newest first.` })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_PAGE)
  limit?: number | null;
}

@ArgsType()
export class TypingArgs {
  @Field(() => ID)
  @Matches(INTEGER_ID, { message: 'roomId must be an integer id' })
  roomId: string;

  @Field()
  @IsBoolean()
  isTyping: boolean;
}
