// GraphiQL (the graphiql package's UMD build, React 18 UMD) on this server's /graphql.
// Queries and mutations go over fetch with the headers of the Headers tab; subscriptions go over
// graphql-ws with the Authorization header (or app headers) as connectionParams.
// ?query=, ?variables= and ?headers= (JSON) open the IDE with those filled in.
(function () {
  'use strict';
  const params = new URLSearchParams(location.search);
  const endpoint = location.origin + '/graphql';
  const wsEndpoint = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/graphql';

  /**
   * Is the operation to run a subscription? GraphiQL hands the fetcher the parsed document
   * (opts.documentAST); without one (e.g. the schema's introspection) it is a plain query.
   */
  function isSubscription(graphQLParams, documentAST) {
    const operations = ((documentAST && documentAST.definitions) || []).filter((d) => d.kind === 'OperationDefinition');
    const chosen = graphQLParams.operationName
      ? operations.find((d) => d.name && d.name.value === graphQLParams.operationName)
      : operations.length === 1 ? operations[0] : undefined;
    return Boolean(chosen && chosen.operation === 'subscription');
  }

  function subscriptionFetcher(graphQLParams, headers) {
    return {
      subscribe(observer) {
        const sink = typeof observer === 'function' ? { next: observer, error: () => undefined, complete: () => undefined } : observer;
        const client = graphqlWs.createClient({ url: wsEndpoint, connectionParams: headers, lazy: true, retryAttempts: 0 });
        const dispose = client.subscribe(
          { query: graphQLParams.query, variables: graphQLParams.variables, operationName: graphQLParams.operationName },
          {
            next: (value) => sink.next && sink.next(value),
            error: (error) => sink.error && sink.error(error instanceof Error ? error
              : new Error(Array.isArray(error) ? error.map((e) => e.message).join('; ') : 'connection closed: ' + (error.reason || error.code))),
            complete: () => sink.complete && sink.complete(),
          },
        );
        return { unsubscribe: () => { dispose(); client.dispose(); } };
      },
    };
  }

  function fetcher(graphQLParams, options) {
    const headers = Object.assign({}, options && options.headers);
    if (isSubscription(graphQLParams, options && options.documentAST)) return subscriptionFetcher(graphQLParams, headers);
    return fetch(endpoint, {
      method: 'POST',
      headers: Object.assign({ 'content-type': 'application/json', accept: 'application/json' }, headers),
      body: JSON.stringify(graphQLParams),
    }).then((response) => response.json());
  }

  const fromUrl = (name) => (params.has(name) ? params.get(name) : undefined);

  /** Keeps ?query= in step with the editor, so a link reopens the same operation. */
  function onEditQuery(query) {
    const next = new URLSearchParams(location.search);
    next.set('query', query);
    history.replaceState(null, '', location.pathname + '?' + next.toString());
  }

  const defaultQuery = [
    '# The GraphQL API of this chat service. Put credentials in the Headers tab below, e.g.',
    '#   {"x-admin-key": "<operator key>"}',
    '#   {"x-app-id": "1", "x-app-secret": "<app secret>"}',
    '#   {"Authorization": "Bearer <user token>"}',
    '',
    '{',
    '  me { id uname role }',
    '  myRooms { id name type unreadCount lastMessage { text author { uname } } }',
    '}',
    '',
  ].join('\n');

  const root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher,
    defaultQuery,
    query: fromUrl('query'),
    variables: fromUrl('variables'),
    headers: fromUrl('headers'),
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: true,
    defaultEditorToolsVisibility: 'headers',
    onEditQuery,
  }));
})();
