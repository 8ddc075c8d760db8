import { HttpException } from '@nestjs/common';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { ChatError } from './chat-error.js';
import { ERROR_CODES, ErrorCode } from './error-code.js';
import { isUnavailableError, UNAVAILABLE_MESSAGE } from './unavailable.js';

/** Apollo's and graphql-js's own codes for a request that is malformed: all the client's fault. */
const CLIENT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE',
]);

const HTTP_CODES: Record<number, ErrorCode> = {
  400: 'BAD_USER_INPUT', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT', 429: 'RATE_LIMITED',
};

/**
 * The one GraphQL error mapper (Apollo's formatError, and graphql-ws results through onNext):
 * ChatError → its code; malformed requests → BAD_USER_INPUT; the database or Redis out of
 * reach → UNAVAILABLE (retry later), logged as a warning; anything else → INTERNAL, logged with
 * its stack, and nothing of it sent to the client.
 */
export function createGraphqlErrorFormatter(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
    if (original instanceof ChatError) {
      return { ...base, message: original.message, extensions: { ...(original.details ?? {}), code: original.code } };
    }
    if (original instanceof HttpException) {
      const code = HTTP_CODES[original.getStatus()] ?? 'INTERNAL';
      if (code !== 'INTERNAL') return { ...base, message: original.message, extensions: { code } };
    }
    const given = formatted.extensions?.code;
    if (typeof given === 'string' && (ERROR_CODES as readonly string[]).includes(given) && given !== 'INTERNAL') {
      return { ...base, extensions: { code: given } };
    }
    if (typeof given === 'string' && CLIENT_CODES.has(given)) return { ...base, extensions: { code: 'BAD_USER_INPUT' } };
    if (original instanceof GraphQLError && (!original.originalError || original.originalError instanceof GraphQLError || !formatted.path)) {
      // graphql-js's own request errors (syntax, validation, variable coercion): not from a resolver.
      return { ...base, extensions: { code: 'BAD_USER_INPUT' } };
    }
    if (isUnavailableError(original)) {
      log.warn({ err: original, path: formatted.path }, 'a GraphQL operation failed: the database or Redis is out of reach');
      return { message: UNAVAILABLE_MESSAGE, path: formatted.path, locations: formatted.locations, extensions: { code: 'UNAVAILABLE' } };
    }
    log.error({ err: original, path: formatted.path }, 'unexpected error in a GraphQL operation');
    return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL' } };
  };
}
