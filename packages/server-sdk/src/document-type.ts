/**
 * What a generated operation carries for the type checker: its result and variables types. The same
 * shape as @graphql-typed-document-node/core's DocumentTypeDecoration, kept here so the SDK's users
 * need no extra package.
 */
export interface DocumentTypeDecoration<TResult, TVariables> {
  __apiType?: (variables: TVariables) => TResult;
}

export type ResultOf<T> = T extends DocumentTypeDecoration<infer R, unknown> ? R : never;
export type VariablesOf<T> = T extends DocumentTypeDecoration<unknown, infer V> ? V : never;
