import { ArgsType, Field } from '@nestjs/graphql';
import { IsString, Length, Matches } from 'class-validator';

@ArgsType()
export class CreateAppArgs {
  @Field()
  @IsString() @Length(1, 100) @Matches(/\S/, { message: 'name must not be blank' })
  name: string;
}

