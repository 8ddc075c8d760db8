import { Field, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayUnique, IsArray, IsEnum, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { PRE_SEND_TIMEOUT_RANGE } from './app-settings.js';

export enum WordFilterMode { MASK = 'MASK', REJECT = 'REJECT' }
registerEnumType(WordFilterMode, { name: 'WordFilterMode', description: 'MASK replaces listed words with *; REJECT refuses the message.' });

export enum MediaKind { IMAGE = 'IMAGE', VIDEO = 'VIDEO', AUDIO = 'AUDIO', FILE = 'FILE' }
registerEnumType(MediaKind, { name: 'MediaKind', description: 'What an upload is, by its bytes: image/*, video/*, audio/*, or any other file.' });

/** The largest maxUploadBytes an app may set (1 GiB). */
export const MAX_UPLOAD_BYTES_LIMIT = 1024 * 1024 * 1024;

@ObjectType()
export class RateLimit {
  @Field(() => Int, { description: 'Messages allowed per user per room…' })
  count: number;

  @Field(() => Int, { description: '…in this many seconds.' })
  seconds: number;
}

@ObjectType()
export class WordFilter {
  @Field(() => [String])
  words: string[];

  @Field(() => WordFilterMode)
  mode: WordFilterMode;
}

export enum HookFallback { ALLOW = 'ALLOW', REJECT = 'REJECT' }
registerEnumType(HookFallback, { name: 'HookFallback', description: 'What a pre-send hook that gives no usable answer in time means: ALLOW sends the message as it is, REJECT refuses it.' });

@ObjectType({ description: 'The app backend\'s URL that sees each user\'s message before it is stored (README "Pre-send hook").' })
export class PreSendHook {
  @Field()
  url: string;

  @Field(() => Int, { description: 'The time the whole exchange may take, in milliseconds.' })
  timeoutMs: number;

  @Field(() => HookFallback, { description: 'Applied on a timeout, and likewise on an error status, a lost connection or an answer that is not one of the three.' })
  onTimeout: HookFallback;
}

@ObjectType({ description: 'Per-app rules, changed by the app backend.' })
export class AppSettingsView {
  @Field(() => Int)
  maxMessageLength: number;

  @Field(() => RateLimit, { description: 'Flood control (the app backend\'s own sends are exempt).' })
  rateLimit: RateLimit;

  @Field(() => Int, { description: 'Refuse the same text from the same user in the same room within this many seconds; 0 is off.' })
  duplicateWindowSeconds: number;

  @Field(() => WordFilter)
  wordFilter: WordFilter;

  @Field(() => [String], { description: 'Browser origins (scheme://host[:port]) whose pages may use legacy sockets; empty: any. A socket from another origin is refused at auth (ORIGIN_NOT_ALLOWED).' })
  allowedOrigins: string[];

  @Field(() => Int, { description: 'The largest upload (POST /media) in bytes; 25 MB (26214400) by default. Larger ones are refused with 413.' })
  maxUploadBytes: number;

  @Field(() => [MediaKind], { description: 'The kinds of file users may upload, judged by the bytes (not the declared type); all by default.' })
  allowedMediaKinds: MediaKind[];

  @Field(() => PreSendHook, { nullable: true, description: 'Null: no hook (the default).' })
  preSendHook: PreSendHook | null;
}

@InputType()
export class PreSendHookInput {
  @Field({ description: 'http:// or https://, not this server itself; the host must resolve.' })
  @IsString() @Length(1, 2048)
  url: string;

  @Field(() => Int, { nullable: true, description: `${PRE_SEND_TIMEOUT_RANGE.min} to ${PRE_SEND_TIMEOUT_RANGE.max}; ${PRE_SEND_TIMEOUT_RANGE.default} by default.` })
  @IsOptional() @IsInt() @Min(PRE_SEND_TIMEOUT_RANGE.min) @Max(PRE_SEND_TIMEOUT_RANGE.max)
  timeoutMs?: number | null;

  @Field(() => HookFallback, { nullable: true, description: 'ALLOW by default.' })
  @IsOptional() @IsEnum(HookFallback)
  onTimeout?: HookFallback | null;
}

@InputType()
export class RateLimitInput {
  @Field(() => Int)
  @IsInt() @Min(1) @Max(10_000)
  count: number;

  @Field(() => Int)
  @IsInt() @Min(1) @Max(86_400)
  seconds: number;
}

@InputType()
export class WordFilterInput {
  @Field(() => [String])
  @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) @Length(1, 64, { each: true })
  @Matches(/\S/, { each: true, message: 'each word needs a visible character' })
  words: string[];

  @Field(() => WordFilterMode)
  @IsEnum(WordFilterMode)
  mode: WordFilterMode;
}

@InputType({ description: 'Only the fields given change; an explicit null puts that setting back to its default.' })
export class UpdateAppSettingsInput {
  @Field(() => Int, { nullable: true })
  @IsOptional() @IsInt() @Min(1) @Max(65_535)
  maxMessageLength?: number | null;

  @Field(() => RateLimitInput, { nullable: true })
  @IsOptional() @ValidateNested() @Type(() => RateLimitInput)
  rateLimit?: RateLimitInput | null;

  @Field(() => Int, { nullable: true })
  @IsOptional() @IsInt() @Min(0) @Max(3600)
  duplicateWindowSeconds?: number | null;

  @Field(() => WordFilterInput, { nullable: true })
  @IsOptional() @ValidateNested() @Type(() => WordFilterInput)
  wordFilter?: WordFilterInput | null;

  @Field(() => [String], { nullable: true })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @Length(1, 255, { each: true })
  allowedOrigins?: string[] | null;

  @Field(() => Int, { nullable: true })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_UPLOAD_BYTES_LIMIT)
  maxUploadBytes?: number | null;

  @Field(() => [MediaKind], { nullable: true, description: 'An empty list turns uploads off.' })
  @IsOptional() @IsArray() @ArrayUnique() @IsEnum(MediaKind, { each: true })
  allowedMediaKinds?: MediaKind[] | null;

  @Field(() => PreSendHookInput, { nullable: true, description: 'Null removes the hook.' })
  @IsOptional() @ValidateNested() @Type(() => PreSendHookInput)
  preSendHook?: PreSendHookInput | null;
}
