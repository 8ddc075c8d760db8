import { readFileSync } from 'node:fs';
import { getIntrospectionQuery } from 'graphql';
import type { Client } from 'graphql-ws';
import { QUERY_LIMITS } from '../../../src/config/app-config.js';
import { startApp, TestApp } from '../../support/app.js';
import { codeOf, GqlResult } from '../../support/clients.js';
import { testDrivers } from '../../support/drivers.js';
import { TestAppTenant, TestUser } from '../../support/factories.js';
import { connected, gqlWsClient, liveQueue, untilLive } from '../../support/ws.js';

/** The operations the console's GraphQL chat page sends, read from the page itself so they cannot drift. */
function consoleOperations(): Record<string, string> {
  const page = readFileSync(new URL('../../../src/console/public/graphql-chat.js', import.meta.url), 'utf8');
  const fields = /const MESSAGE_FIELDS = '([^']+)';/.exec(page)?.[1];
  const block = /const Q = (\{[\s\S]*?\n {2}\});/.exec(page)?.[1];
  if (!fields || !block) throw new Error('graphql-chat.js no longer has MESSAGE_FIELDS and Q as this test reads them');
  return new Function('MESSAGE_FIELDS', `return ${block};`)(fields) as Record<string, string>;
}

/** What the IDE (GraphiQL 3, @graphiql/react's useIntrospectionQuery with the page's props: none) loads the schema with. */
const IDE_INTROSPECTION = getIntrospectionQuery({ inputValueDeprecation: undefined, schemaDescription: undefined });

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const ofTypes = (n: number, inner: string): string => (n === 0 ? inner : `ofType { ${ofTypes(n - 1, inner)} }`);
const CHAIN = 'name kind ofType { name kind ofType { name kind ofType { name kind } } }';
/** A fragment on the schema's own types, about 550 cost units each time it is spread. */
const TYPE_FRAGMENT = `fragment T on __Type { name kind fields { name args { name type { ${CHAIN} } } type { ${CHAIN} } } }`;
const { maxDepth, maxAliases, maxDirectives, maxTokens, maxCost } = QUERY_LIMITS;

/** Each limit, just past it, alone: the operation is valid and cheap in every other way. */
const OVER_LIMIT: [string, string, string][] = [
  ['depth', `Query depth limit of ${maxDepth} exceeded, found ${maxDepth + 1}. (GRAPHQL_MAX_DEPTH)`,
    `{ __type(name: "Query") { fields { type { ${ofTypes(maxDepth - 3, 'name')} } } } }`],
  ['aliases', `Aliases limit of ${maxAliases} exceeded, found ${maxAliases + 1}. (GRAPHQL_MAX_ALIASES)`,
    `{ ${range(maxAliases + 1).map((i) => `a${i}: me { id }`).join(' ')} }`],
  ['directives', `Directives limit of ${maxDirectives} exceeded, found ${maxDirectives + 1}. (GRAPHQL_MAX_DIRECTIVES)`,
    `{ me { ${'id @include(if: true) '.repeat(maxDirectives + 1)} } }`],
  // graphql-js's own parser stops counting there (its message says "more that", sic).
  ['tokens', `${maxTokens} tokens. Parsing aborted.`,
    `{ me { ${'id '.repeat(maxTokens - 4)} } }`],
  ['cost', `Query Cost limit of ${maxCost} exceeded`,
    `{ __type(name: "Query") { ${'...T '.repeat(10)} } } ${TYPE_FRAGMENT}`],
];

/** The issue's two reports: 2,000 aliases of `me { id }`, and 500 fragments spread twice each. */
const ATTACKS: [string, string][] = [
  ['2,000 aliases of me { id }', `{ ${range(2000).map((i) => `a${i}: me { id }`).join(' ')} }`],
  ['500 fragments spread twice each',
    `{ ${range(500).map((i) => `...F${i} ...F${i}`).join(' ')} } ${range(500).map((i) => `fragment F${i} on Query { me { id } }`).join(' ')}`],
];

describe.each(testDrivers())('query cost limits on %s', (driver) => {
  let t: TestApp;
  let app: TestAppTenant;
  let alice: TestUser;
  let ws: Client;
  beforeAll(async () => {
    t = await startApp(driver);
    app = await t.factories.app();
    alice = await t.factories.user(app);
    ws = gqlWsClient(t.url, { authorization: `Bearer ${alice.token}` });
    await connected(ws);
  });
  afterAll(async () => {
    await ws?.dispose();
    await t?.close();
  });

  /** One operation over graphql-ws on the shared connection: its one result, or its errors. */
  const overWs = (query: string, variables: Record<string, unknown> = {}): Promise<GqlResult> => {
    const queue = liveQueue<GqlResult>(ws, query, variables);
    return queue.next(10_000).finally(() => queue.stop());
  };
  const overHttp = (query: string, variables: Record<string, unknown> = {}) => t.gql(query, variables, alice.headers);

  describe.each([['HTTP', 'http'], ['graphql-ws', 'ws']] as const)('over %s', (_name, transport) => {
    const run = (query: string, variables?: Record<string, unknown>) => (transport === 'http' ? overHttp(query, variables) : overWs(query, variables));

    it.each(OVER_LIMIT)('refuses an operation over the %s limit before it runs, naming the limit', async (_kind, message, query) => {
      const result = await run(query);
      expect(result.data ?? null).toBeNull();
      expect(result.errors).toEqual([expect.objectContaining({ message: expect.stringContaining(message), extensions: { code: 'BAD_USER_INPUT' } })]);
    });

    it.each(ATTACKS)('refuses %s', async (_what, query) => {
      const result = await run(query);
      expect(result.data ?? null).toBeNull();
      expect(codeOf(result)).toBe('BAD_USER_INPUT');
    });

    it('accepts each kind right at its limit', async () => {
      const atLimit = [
        `{ __type(name: "Query") { fields { type { ${ofTypes(maxDepth - 4, 'name')} } } } }`,
        `{ ${range(maxAliases).map((i) => `a${i}: me { id }`).join(' ')} }`,
        `{ me { ${'id @include(if: true) '.repeat(maxDirectives)} } }`,
        `{ __type(name: "Query") { ${'...T '.repeat(8)} } } ${TYPE_FRAGMENT}`,
      ];
      for (const query of atLimit) {
        const result = await run(query);
        expect({ query: query.slice(0, 60), errors: result.errors }).toEqual({ query: query.slice(0, 60), errors: undefined });
        expect(result.data).toBeTruthy();
      }
      // Exactly maxTokens tokens parse (so many fields are refused for their cost, not their tokens).
      const tokens = await run(`{ me { ${'id '.repeat(maxTokens - 5)} } }`);
      expect(tokens.errors?.map((e) => e.message)).toEqual(expect.arrayContaining([expect.stringContaining('GRAPHQL_MAX_COST')]));
      expect(tokens.errors?.filter((e) => e.message.includes('tokens'))).toEqual([]);
    });

    it('answers the IDE\'s schema introspection', async () => {
      const result = await run(IDE_INTROSPECTION);
      expect(result.errors).toBeUndefined();
      expect(result.data?.__schema.queryType).toMatchObject({ name: 'Query' });
      expect(result.data?.__schema.types.length).toBeGreaterThan(20);
    });
  });

  it('refuses an HTTP body over 100 KB with 413 and a batch (a JSON array of operations) with 400, running none', async () => {
    const post = (body: string) => fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...alice.headers }, body });
    const big = await post(JSON.stringify({ query: `{ me { id } }${' '.repeat(101 * 1024)}` }));
    expect(big.status).toBe(413);
    const batch = await post(JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]));
    expect(batch.status).toBe(400);
    expect(await batch.text()).not.toContain('"me"');
  });

  it('keeps the graphql-ws connection open after a refusal: the next operation on it runs', async () => {
    await expect(overWs(OVER_LIMIT[1][2])).resolves.toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
    await expect(overWs('{ me { id } }')).resolves.toEqual({ data: { me: { id: alice.id } } });
  });

  it('refuses a graphql-ws operation text over 100,000 characters (comments are no tokens), as HTTP refuses such a body, and the socket stays', async () => {
    const padded = `{ me { id } }\n# ${'x'.repeat(100_000)}`;
    await expect(overWs(padded)).resolves.toMatchObject({ errors: [{ message: expect.stringContaining('at most 100000'), extensions: { code: 'BAD_USER_INPUT' } }] });
    await expect(overWs(`{ me { id } }\n# ${'x'.repeat(90_000)}`)).resolves.toEqual({ data: { me: { id: alice.id } } });
  });

  it('refuses an over-limit operation every time, not only before it is cached', async () => {
    const [, , query] = OVER_LIMIT[0];
    for (let i = 0; i < 3; i++) {
      await expect(overWs(query)).resolves.toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
      await expect(overHttp(query)).resolves.toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
    }
  });

  it('runs every operation the console\'s GraphQL page sends: queries and mutations over HTTP and graphql-ws, its subscriptions live', async () => {
    const Q = consoleOperations();
    expect(Object.keys(Q).sort()).toEqual(['join', 'markRead', 'messageAdded', 'messages', 'myEvents', 'rooms', 'send', 'start', 'typing', 'typingEvents']);
    const roomId = app.lobbyId;
    for (const run of [overHttp, overWs]) {
      await expect(run(Q.start)).resolves.toMatchObject({ data: { me: { id: alice.id }, app: { lobby: { id: roomId } } } });
      await expect(run(Q.join, { roomId })).resolves.toMatchObject({ data: { joinRoom: { joinedAt: expect.any(String) } } });
      await expect(run(Q.rooms)).resolves.toMatchObject({ data: { myRooms: [expect.objectContaining({ id: roomId })] } });
      const sent = await run(Q.send, { roomId, input: { text: 'hello', clientMsgId: `c-${Math.random()}` } });
      expect(sent).toMatchObject({ data: { sendMessage: { text: 'hello', author: { id: alice.id } } } });
      await expect(run(Q.messages, { roomId, limit: 30 })).resolves.toMatchObject({ data: { messages: { nodes: expect.arrayContaining([expect.objectContaining({ text: 'hello' })]) } } });
      await expect(run(Q.markRead, { roomId, messageId: sent.data!.sendMessage.id })).resolves.toMatchObject({ data: { markRead: { lastReadMessageId: sent.data!.sendMessage.id } } });
      await expect(run(Q.typing, { roomId, isTyping: true })).resolves.toEqual({ data: { typing: true } });
    }
    const added = liveQueue(ws, Q.messageAdded, { roomId });
    const mine = liveQueue(ws, Q.myEvents);
    const typing = liveQueue(ws, Q.typingEvents, { roomId });
    try {
      await untilLive([added, mine], (tag) => overHttp(Q.send, { roomId, input: { text: tag } }));
      // Typing carries no text: every probe carries alice's id, so the fence only proves the stream live (nothing is read after it).
      await untilLive([typing], async () => { await overHttp(Q.typing, { roomId, isTyping: true }); return alice.id; });
      for (const queue of [added, mine, typing]) expect(queue.received.every((r: GqlResult) => !r.errors)).toBe(true);
    } finally {
      for (const queue of [added, mine, typing]) queue.stop();
    }
  });
});
