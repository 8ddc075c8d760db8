// Setting up a tenant on the chat server through its public GraphQL API, as an operator and an
// app backend would: createApp (x-admin-key), updateAppSettings, createUser + issueUserToken
// (x-app-id / x-app-secret), createRoom. Batched with aliases so thousands of users take seconds.
import { Agent, request } from 'node:http';

/** POSTs one GraphQL operation; returns `data`, throws on any error. */
export async function gql(url, query, variables = {}, headers = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return dataOf(await response.json());
}

/** A GraphQL response's `data`; throws its first error. */
function dataOf(body) {
  if (body.errors?.length) {
    const first = body.errors[0];
    throw new Error(`GraphQL error: ${first.message} (${first.extensions?.code ?? 'no code'})`);
  }
  return body.data;
}

/**
 * gql() for timed loops: node:http over one kept-alive connection, so a timed request pays for
 * neither a connection nor undici's per-call machinery (global fetch adds about 1 ms a call).
 * Same answer and errors as gql(); close() ends the connection.
 */
export function keepAliveGql(url) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const { hostname, port } = new URL(url);
  const call = (query, variables = {}, headers = {}) => new Promise((resolve, reject) => {
    const body = JSON.stringify({ query, variables });
    const req = request({
      agent, hostname, port, method: 'POST', path: '/graphql',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
    }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        try {
          resolve(dataOf(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        } catch (error) {
          reject(error);
        }
      });
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
  return Object.assign(call, { close: () => agent.destroy() });
}

export const asOperator = (key) => ({ 'x-admin-key': key });
export const asApp = (tenant) => ({ 'x-app-id': tenant.appId, 'x-app-secret': tenant.secret });
export const asUser = (token) => ({ authorization: `Bearer ${token}` });

/**
 * A new app with its lobby. Flood control (default 20 messages per 10 s per user per room) is
 * raised to `rate` messages per second so benchmark senders are never refused.
 */
export async function createTenant(server, { name = `bench-${Date.now()}`, rate = 10_000 } = {}) {
  const created = await gql(server.url, `mutation($n: String!) { createApp(name: $n) { secret app { id lobby { id } } } }`,
    { n: name }, asOperator(server.adminKey));
  const tenant = { appId: created.createApp.app.id, secret: created.createApp.secret, lobbyId: created.createApp.app.lobby.id };
  await gql(server.url, `mutation($c: Int!) { updateAppSettings(input: { rateLimit: { count: $c, seconds: 1 } }) { rateLimit { count seconds } } }`,
    { c: rate }, asApp(tenant));
  return tenant;
}

/** Runs `work` over `items` with at most `limit` at a time. */
export async function inParallel(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i], i);
    }
  });
  await Promise.all(lanes);
  return results;
}

const chunks = (list, size) => Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));

/**
 * `count` users of the tenant, each with a token: [{ id, uname, token, hashedToken }].
 * The legacy hashed_token is the server's own `hashedToken` (hex SHA-256 of the token).
 */
export async function createUsers(server, tenant, count, prefix = 'u') {
  const stamp = Date.now().toString(36);
  const unames = Array.from({ length: count }, (_, i) => `${prefix}${stamp}_${i}`);
  const batches = chunks(unames, 25); // aliases per operation: under the server's default GRAPHQL_MAX_ALIASES (30)
  const users = (await inParallel(batches, 16, async (batch) => {
    const fields = batch.map((uname, i) => `c${i}: createUser(input: { uname: ${JSON.stringify(uname)} }) { id uname }`);
    const made = await gql(server.url, `mutation { ${fields.join('\n')} }`, {}, asApp(tenant));
    const ids = batch.map((_, i) => made[`c${i}`]);
    const tokenFields = ids.map((u, i) => `t${i}: issueUserToken(userId: ${JSON.stringify(u.id)}) { token hashedToken }`);
    const tokens = await gql(server.url, `mutation { ${tokenFields.join('\n')} }`, {}, asApp(tenant));
    return ids.map((u, i) => ({ id: u.id, uname: u.uname, ...tokens[`t${i}`] }));
  })).flat();
  return users;
}

/** A GROUP room with these members. */
export async function createRoom(server, tenant, memberIds) {
  const made = await gql(server.url, `mutation($m: [ID!]) { createRoom(input: { memberIds: $m }) { id } }`, { m: memberIds }, asApp(tenant));
  return made.createRoom.id;
}
