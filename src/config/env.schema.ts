import 'reflect-metadata';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { Type } from 'class-transformer';

/** Every environment variable the service reads, validated once at boot. Nothing else reads process.env. */
export class EnvSchema {
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(65535)
  PORT?: number;

  @IsOptional() @IsString()
  @Matches(/^(sqlite:.+|mysql:\/\/.+)$/, { message: 'must be sqlite:<path>, sqlite::memory: or mysql://user:pass@host:port/db' })
  DATABASE_URL?: string;

  @IsOptional() @IsString() @Matches(/^rediss?:\/\/.+/, { message: 'must be redis://host:port[/db] or rediss://…' })
  REDIS_URL?: string;

  @ValidateIf((env: EnvSchema) => env.NODE_ENV === 'production' || env.CHAT_ADMIN_KEY !== undefined)
  @IsString({ message: 'is required when NODE_ENV=production' }) @MinLength(16, { message: 'must be at least 16 characters' })
  CHAT_ADMIN_KEY?: string;

  @IsOptional() @IsIn(['development', 'production', 'test'])
  NODE_ENV?: 'development' | 'production' | 'test';

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  // Query cost limits (every GraphQL operation, HTTP and graphql-ws): see README, "Limits".
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  GRAPHQL_MAX_DEPTH?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(10_000)
  GRAPHQL_MAX_ALIASES?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(10_000)
  GRAPHQL_MAX_DIRECTIVES?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1_000_000)
  GRAPHQL_MAX_TOKENS?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10_000_000)
  GRAPHQL_MAX_COST?: number;
}
