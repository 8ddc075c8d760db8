import { Field, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsEnum, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';

export enum WordFilterMode { MASK = 'MASK', REJECT = 'REJECT' }
registerEnumType(WordFilterMode, { name: 'WordFilterMode', description: 'MASK replaces listed words with *; REJECT refuses the message.' });

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
}
