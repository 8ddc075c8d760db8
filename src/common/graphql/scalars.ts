import { GraphQLJSONObject } from 'graphql-scalars';
import { GraphQLScalarType } from 'graphql';

/** SPEC's `JSON` scalar for meta: a JSON object (arrays and primitives are refused as meta). */
export const JSONScalar = new GraphQLScalarType({
  ...GraphQLJSONObject.toConfig(),
  name: 'JSON',
  description: 'A JSON object, used for meta on users, rooms and messages.',
});
