import { Field, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

@InputType()
export class CreateWebhookInput {
  @Field({ description: 'An http(s) URL, not this server itself.' })
  @IsString() @MaxLength(2048)
  url: string;

  @Field(() => [String], { nullable: true, description: 'The event types it wants; left out: every event type.' })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true })
  events?: string[] | null;
}

@InputType()
export class UpdateWebhookInput {
  @Field(() => String, { nullable: true })
  @IsOptional() @IsString() @MaxLength(2048)
  url?: string | null;

  @Field(() => [String], { nullable: true })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true })
  events?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'false: no new deliveries are recorded for it (pending ones are still sent).' })
  @IsOptional() @IsBoolean()
  enabled?: boolean | null;
}
