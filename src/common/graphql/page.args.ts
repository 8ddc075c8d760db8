import { ArgsType, Field, Int } from '@nestjs/graphql';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_PAGE_SIZE = 100;

/** Numbered pages for admin listings (users, apps): 1-based `page`, `size` 1–100. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: '1-based page number (default 1).' })
  @IsOptional() @IsInt() @Min(1)
  page?: number;

  @Field(() => Int, { nullable: true, description: `Page size, 1 to ${MAX_PAGE_SIZE} (default 20).` })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_PAGE_SIZE)
  size?: number;
}

export const pageWindow = (args: PageArgs) => {
  const size = args.size ?? 20;
  return { offset: ((args.page ?? 1) - 1) * size, limit: size };
};
