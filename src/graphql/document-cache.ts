import { DocumentNode, GraphQLError, GraphQLSchema, parse, specifiedRules, validate, ValidationRule } from 'graphql';
import type { QueryLimitChecks } from './query-limits.js';

/** How many distinct operation texts are kept parsed (clients send a handful each, the same ones again and again). */
const MAX_DOCUMENTS = 2000;
/** The longest operation text kept in the cache: real operations are a few KB; longer ones are parsed each time, so the cache holds at most ~20 MB. */
const MAX_CACHED_CHARS = 10_000;
/** The longest operation text served at all, as over HTTP (whose body limit is 100 KB): comments are no tokens, so the token cap alone does not bound it. */
export const MAX_OPERATION_CHARS = 100_000;

/**
 * Parsing and validation for graphql-ws, each done once per distinct operation text instead of
 * once per operation: a client sending the same mutation a thousand times is parsed and
 * validated once. (Apollo Server keeps its own such store for HTTP.) The query limits are part of
 * both steps: a document over the token cap is never parsed, so never cached as a document, and
 * the limit rules run with graphql-js's own rules in the one validation a document gets.
 */
export class DocumentCache {
  private readonly parsed = new Map<string, DocumentNode | GraphQLError>();
  private readonly validated = new WeakMap<DocumentNode, readonly GraphQLError[]>();
  private readonly rules: readonly ValidationRule[];

  constructor(private readonly limits: QueryLimitChecks) {
    this.rules = [...specifiedRules, ...limits.validationRules];
  }

  /** The document of a query text; throws its syntax error (remembered too). */
  readonly parse = (source: string | { body: string }): DocumentNode => {
    const text = typeof source === 'string' ? source : source.body;
    if (text.length > MAX_OPERATION_CHARS) {
      throw new GraphQLError(`The operation is ${text.length} characters long; at most ${MAX_OPERATION_CHARS} are accepted`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
    let entry = this.parsed.get(text);
    if (!entry) {
      try {
        entry = parse(text, this.limits.parseOptions);
      } catch (error) {
        entry = error instanceof GraphQLError ? error : new GraphQLError('Could not parse the operation');
      }
      if (text.length <= MAX_CACHED_CHARS) {
        if (this.parsed.size >= MAX_DOCUMENTS) this.parsed.delete(this.parsed.keys().next().value!);
        this.parsed.set(text, entry);
      }
    }
    if (entry instanceof GraphQLError) throw entry;
    return entry;
  };

  /** The validation errors of a document this cache parsed (one schema per server). */
  readonly validate = (schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[] => {
    let errors = this.validated.get(document);
    if (!errors) {
      errors = validate(schema, document, this.rules);
      this.validated.set(document, errors);
    }
    return errors;
  };
}
