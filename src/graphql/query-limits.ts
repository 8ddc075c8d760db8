import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import { GraphQLError, ParseOptions, ValidationRule } from 'graphql';
import type { QueryLimits } from '../config/app-config.js';

/** What both GraphQL transports apply to every operation: a token cap while parsing, then validation rules. */
export interface QueryLimitChecks {
  /** graphql-js's own cap, passed to parse(): past it, parsing stops with a syntax error. */
  parseOptions: ParseOptions & { maxTokens: number };
  /** graphql-armor's rules, run after graphql-js's specified rules. */
  validationRules: ValidationRule[];
}

/**
 * The query cost limits, built once from config and given to Apollo (HTTP) and to the
 * graphql-ws document cache alike, so one operation is judged the same on both. Each rule
 * reports a GraphQL validation error (BAD_USER_INPUT) naming the limit and its env var; none throws.
 */
export function queryLimitChecks(limits: QueryLimits): QueryLimitChecks {
  const refuse = (variable: string): { propagateOnRejection: false; onReject: GraphQLArmorRejectCallback[] } => ({
    propagateOnRejection: false,
    onReject: [(context, error) => context?.reportError(new GraphQLError(
      // The rules word every refusal as a "Syntax Error"; it is a limit, which the server's operator sets.
      `${error.message.replace(/^Syntax Error: /, '')} (${variable})`, { extensions: { code: 'BAD_USER_INPUT' } },
    ))],
  });
  return {
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: [
      maxDepthRule({ n: limits.maxDepth, ...refuse('GRAPHQL_MAX_DEPTH') }),
      maxAliasesRule({ n: limits.maxAliases, ...refuse('GRAPHQL_MAX_ALIASES') }),
      maxDirectivesRule({ n: limits.maxDirectives, ...refuse('GRAPHQL_MAX_DIRECTIVES') }),
      costLimitRule({ maxCost: limits.maxCost, ...refuse('GRAPHQL_MAX_COST') }),
    ],
  };
}
