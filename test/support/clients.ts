import { waitFor } from './wait.js';

/** A GraphQL answer, as a client sees it. */
export interface GqlResult<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; [key: string]: unknown } }[];
}

export type Headers = Record<string, string>;

/** POSTs a GraphQL operation over real HTTP. */
export async function gqlRequest<T = Record<string, any>>(
  url: string, query: string, variables: Record<string, unknown> = {}, headers: Headers = {},
): Promise<GqlResult<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GqlResult<T>;
}

/** The first error's extensions.code, or undefined when the call succeeded. */
export const codeOf = (result: GqlResult) => result.errors?.[0]?.extensions?.code;

export const asOperator = (key: string): Headers => ({ 'x-admin-key': key });
export const asApp = (app: { id: string; secret: string }): Headers => ({ 'x-app-id': app.id, 'x-app-secret': app.secret });
export const asUser = (token: string): Headers => ({ authorization: `Bearer ${token}` });

/** Asks until the answer passes `done` (e.g. across the bus hop), for at most timeoutMs; fails loudly otherwise. */
export function eventually<T>(ask: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 2000): Promise<T> {
  return waitFor(`an answer passing ${done.name || 'the check'}`, ask, done, timeoutMs);
}
