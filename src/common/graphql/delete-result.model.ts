import { Field, ObjectType } from '@nestjs/graphql';

/** An expected outcome as a value: deleting what is not there is `{ ok: false, reason }`, not an error. */
@ObjectType()
export class DeleteResult {
  @Field()
  ok: boolean;

  @Field(() => String, { nullable: true })
  reason: string | null;
}

export const deleted = (): DeleteResult => ({ ok: true, reason: null });
export const notDeleted = (reason: string): DeleteResult => ({ ok: false, reason });
