// The bare graphql-ws baseline: graphql-ws (its `ws` integration) on /graphql with an in-memory
// PubSub, a Message type shaped like the chat server's, a sendMessage mutation that publishes and
// a messageAdded(roomId) subscription per room topic. No database, no auth, no moderation.
// As graphql-ws does by default, every event is executed and serialised once per subscriber.
// BARE_CACHED_DOCUMENTS=1 parses and validates each distinct operation text once (graphql-ws as
// shipped does both for every operation), as the ingest bench runs it: the transport done well.
import { createServer } from 'node:http';
import { buildSchema, parse, validate } from 'graphql';
import { PubSub } from 'graphql-subscriptions';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

const schema = buildSchema(`
  type User { id: ID! uname: String! }
  type Message { id: ID! roomId: ID! text: String createdAt: String! author: User }
  input SendMessageInput { text: String! }
  type Query { ok: Boolean }
  type Mutation { sendMessage(roomId: ID!, input: SendMessageInput!): Message! }
  type Subscription { messageAdded(roomId: ID!): Message! }
`);

const pubsub = new PubSub();
const topic = (roomId) => `messageAdded:${roomId}`;
let nextId = 0;

// Root fields: graphql-js calls a function-valued root field with (args, context).
const roots = {
  query: { ok: () => true },
  mutation: {
    sendMessage: async ({ roomId, input }, ctx) => {
      const uname = String(ctx.connectionParams?.uname ?? 'sender');
      const message = { id: String(++nextId), roomId, text: input.text.trim(), createdAt: new Date().toISOString(), author: { id: uname, uname } };
      await pubsub.publish(topic(roomId), { messageAdded: message });
      return message;
    },
  },
  subscription: {
    messageAdded: ({ roomId }) => pubsub.asyncIterableIterator(topic(roomId)),
  },
};

const http = createServer((req, res) => {
  res.writeHead(req.url === '/ready' ? 200 : 404).end();
});
const parsed = new Map();
const validated = new WeakMap();
const cached = process.env.BARE_CACHED_DOCUMENTS === '1' ? {
  parse: (text) => { if (!parsed.has(text)) parsed.set(text, parse(text)); return parsed.get(text); },
  validate: (s, doc) => { if (!validated.has(doc)) validated.set(doc, validate(s, doc)); return validated.get(doc); },
} : {};
useServer({ schema, roots, context: (ctx) => ctx, ...cached }, new WebSocketServer({ server: http, path: '/graphql' }));

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${http.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
