import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsString, Length, Matches } from 'class-validator';

@ArgsType()
export class CreateAppArgs {
  @Field()
  @IsString() @Length(1, 100) @Matches(/\S/, { message: 'name must not be blank' })
  name: string;
}

@ArgsType()
export class AppIdArgs {
  @Field(() => ID)
  @IsString() @Matches(/^\d{1,19}$/, { message: 'appId must be an integer id' })
  appId: string;
}
