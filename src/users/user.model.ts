import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JSONScalar } from '../common/graphql/scalars.js';

export enum UserRole { MEMBER = 'MEMBER', MOD = 'MOD', ADMIN = 'ADMIN', OWNER = 'OWNER' }
registerEnumType(UserRole, { name: 'UserRole', description: 'App-wide role. MOD, ADMIN and OWNER are staff.' });

@ObjectType()
export class User {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true, description: 'The app\'s own id for this user, unique per app.' })
  externalId: string | null;

  @Field({ description: 'Unique per app, case-insensitively: letters, digits, _ - . (1–32).' })
  uname: string;

  @Field(() => String, { nullable: true })
  displayName: string | null;

  @Field(() => UserRole)
  role: UserRole;

  @Field()
  isBot: boolean;

  @Field(() => JSONScalar, { nullable: true })
  meta: Record<string, unknown> | null;

  @Field()
  createdAt: Date;
}

@ObjectType()
export class UserPage {
  @Field(() => [User])
  nodes: User[];

  @Field(() => Int)
  total: number;
}

@ObjectType()
export class UserToken {
  @Field({ description: 'A JWT (HS256, signed with the app secret): send as Authorization: Bearer <token>.' })
  token: string;

  @Field({ description: 'Lower-case hex SHA-256 of the token: the legacy socket\'s hashed_token.' })
  hashedToken: string;

  @Field()
  expiresAt: Date;
}

export const toUser = (row: {
  id: string; externalId: string | null; uname: string; displayName: string | null; role: string;
  isBot: boolean; meta: Record<string, unknown> | null; createdAt: Date;
}): User => ({
  id: row.id, externalId: row.externalId, uname: row.uname, displayName: row.displayName,
  role: row.role as UserRole, isBot: row.isBot, meta: row.meta, createdAt: row.createdAt,
});
