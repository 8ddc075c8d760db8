// The clients the load generator drives: legacy Socket.IO sockets (socket.io-client 4) and
// graphql-ws connections, as subscribers (callback per message) and as senders (promise per
// acknowledged message). The same functions talk to the chat server and to the bare servers.
import { io } from 'socket.io-client';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { asUser, gql } from './api.mjs';

/** The subscription every GraphQL subscriber runs (SPEC: messageAdded(roomId: ID!): Message!). */
export const MESSAGE_ADDED = 'subscription($r: ID!) { messageAdded(roomId: $r) { id text createdAt author { id uname } } }';
export const SEND_MESSAGE = 'mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: { text: $t }) { id } }';
/** The same with an idempotency key (clientMsgId), as Apollo and mobile clients send it. */
export const SEND_MESSAGE_KEYED = 'mutation($r: ID!, $t: String!, $k: String) { sendMessage(roomId: $r, input: { text: $t, clientMsgId: $k }) { id } }';

const wsUrl = (url) => `${url.replace(/^http/, 'ws')}/graphql`;

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms); }),
  ]);
}

/**
 * A legacy socket through `auth` (the Moneypot protocol: emit('auth', {app_id, hashed_token}, (err, data) => …)),
 * calling onMessage(payload) for every `new_message`. `uname` is only read by the bare server.
 */
export async function legacySocket(url, { appId, hashedToken, uname }, onMessage = null) {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 30_000 });
  await withTimeout(new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  }), 60_000, 'legacy connect');
  const [err] = await withTimeout(new Promise((resolve) => {
    socket.emit('auth', { app_id: Number(appId), hashed_token: hashedToken, uname }, (...answer) => resolve(answer));
  }), 60_000, 'legacy auth');
  if (err) throw new Error(`legacy auth refused: ${err}`);
  if (onMessage) socket.on('new_message', onMessage);
  let dropped = null;
  socket.on('disconnect', (reason) => { dropped = reason; });
  return {
    kind: 'legacy',
    /** Sends through the legacy protocol; resolves at the ack (err rejects). */
    send: (text) => new Promise((resolve, reject) => {
      socket.emit('new_message', text, (err) => (err ? reject(new Error(`new_message refused: ${err}`)) : resolve()));
    }),
    dropped: () => dropped,
    close: () => socket.close(),
  };
}

/** A graphql-ws connection (connectionParams.authorization when a token is given; extra params are for the bare server). */
export async function graphqlConnection(url, token = null, extraParams = {}) {
  let dropped = null;
  const client = createClient({
    url: wsUrl(url),
    webSocketImpl: WebSocket,
    connectionParams: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...extraParams },
    lazy: false,
    retryAttempts: 0,
    keepAlive: 0,
    onNonLazyError: () => undefined,
  });
  await withTimeout(new Promise((resolve, reject) => {
    client.on('connected', resolve);
    client.on('closed', (event) => { dropped = event?.code ?? 'closed'; reject(new Error(`graphql-ws closed with ${event?.code}`)); });
  }), 60_000, 'graphql-ws connect');
  return {
    kind: 'graphql',
    client,
    /** Starts a subscription; onData(data) for each result, onError(errors) on an error. Returns stop(). */
    subscribe(query, variables, onData, onError = () => undefined) {
      return client.subscribe({ query, variables }, {
        next: (result) => (result.errors ? onError(result.errors) : onData(result.data)),
        error: (error) => onError(error),
        complete: () => undefined,
      });
    },
    /** Runs a mutation over the socket; resolves with its data once the server answered. */
    mutate(query, variables) {
      return new Promise((resolve, reject) => {
        let data = null;
        client.subscribe({ query, variables }, {
          next: (result) => { if (result.errors) reject(new Error(`${result.errors[0].message} (${result.errors[0].extensions?.code})`)); else data = result.data; },
          error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
          complete: () => resolve(data),
        });
      });
    },
    dropped: () => dropped,
    close: () => client.dispose(),
  };
}

/** A graphql-ws connection subscribed to messageAdded of the room; onMessage(message) per event. */
export async function graphqlSubscriber(url, token, roomId, onMessage, uname) {
  const connection = await graphqlConnection(url, token, uname ? { uname } : {});
  let failure = null;
  connection.subscribe(MESSAGE_ADDED, { r: roomId }, (data) => onMessage(data.messageAdded), (errors) => { failure = errors; });
  return { ...connection, failure: () => failure };
}

/** A sender over graphql-ws: send(roomId, text) resolves once the server acknowledged (after commit, on ours). */
export async function graphqlSender(url, token, uname) {
  const connection = await graphqlConnection(url, token, uname ? { uname } : {});
  return {
    ...connection,
    /** With a clientMsgId (`key`) as idempotent clients send it, or without. */
    send: (roomId, text, key = null) => (key === null
      ? connection.mutate(SEND_MESSAGE, { r: roomId, t: text })
      : connection.mutate(SEND_MESSAGE_KEYED, { r: roomId, t: text, k: key })),
  };
}

/** A sender over HTTP POST /graphql (keep-alive, fetch), for the ingest bench. */
export function httpSender(url, token) {
  return {
    kind: 'http',
    send: (roomId, text) => gql(url, SEND_MESSAGE, { r: roomId, t: text }, asUser(token)),
    close: () => undefined,
  };
}
