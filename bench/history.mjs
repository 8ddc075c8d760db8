#!/usr/bin/env node
// History: p50/p99 of fetching the newest page of 50 and pages deep in history, in a room of
// 1,000,000 messages on MariaDB. The rows are seeded with multi-row INSERTs straight into the
// real schema (the server's migrations made it); pages are read through the GraphQL API as a
// member of the room, and the same SQL shape is timed directly for comparison.
//
//   node bench/history.mjs [--messages 1000000] [--requests 500] [--client keepalive|fetch]
import { createPool } from 'mysql2/promise';
import { asUser, createRoom, createTenant, createUsers, gql, inParallel, keepAliveGql } from './lib/api.mjs';
import { contextLine, counterDelta, cpuUsOf, gcTotals, Histogram, nowUs, statementCounters } from './lib/measure.mjs';
import { attachProfiler } from './lib/profile.mjs';
import { fmt, heading, ms, options, table } from './lib/report.mjs';
import { startBareServer, startChatServer } from './lib/server.mjs';

const opts = options({
  messages: { type: 'number', default: 1_000_000, help: 'messages seeded into the room' },
  requests: { type: 'number', default: 500, help: 'timed requests per kind of page (one at a time)' },
  page: { type: 'number', default: 50, help: 'page size' },
  'rows-per-insert': { type: 'number', default: 5000, help: 'rows per multi-row INSERT while seeding' },
  client: { type: 'string', default: 'keepalive', help: 'timed requests through "keepalive" (node:http, one kept-alive connection) or "fetch" (global fetch, undici)' },
}, 'History benchmark: newest and deep pages in a room of a million messages.');

const PAGE = `query($r: ID!, $before: ID, $limit: Int) {
  messages(roomId: $r, before: $before, limit: $limit) { hasMore nodes { id text createdAt author { id uname } } }
}`;
const AUTHORS = 10;
/** Untimed requests before each timed run: the first few hundred run while V8 is still compiling the server's hot paths. */
const WARMUP = 300;

/** Seeds `count` messages into the room, oldest first, 2 INSERTs in flight; returns [firstId, lastId]. */
async function seed(pool, { appId, roomId, authorIds }, count) {
  const perInsert = opts['rows-per-insert'];
  const batches = Math.ceil(count / perInsert);
  const start = Date.now() - count * 1000; // one message a second, ending now
  let done = 0;
  await inParallel(Array.from({ length: batches }, (_, b) => b), 2, async (b) => {
    const from = b * perInsert;
    const rows = Math.min(perInsert, count - from);
    const params = [];
    for (let i = from; i < from + rows; i++) {
      params.push(appId, roomId, authorIds[i % authorIds.length], 'TEXT', `history message ${i}: some chat text of a usual length`, new Date(start + i * 1000));
    }
    await pool.query(`INSERT INTO messages (app_id, room_id, author_id, kind, text, created_at) VALUES ${Array(rows).fill('(?, ?, ?, ?, ?, ?)').join(',')}`, params);
    done += rows;
    if (b % 40 === 0) process.stderr.write(`  seeded ${fmt(done)} / ${fmt(count)}\r`);
  });
  process.stderr.write('\n');
  const [[range]] = await pool.query('SELECT MIN(id) AS first, MAX(id) AS last FROM messages WHERE room_id = ?', [roomId]);
  await pool.query('ANALYZE TABLE messages');
  return [BigInt(range.first), BigInt(range.last)];
}

/** Scavenges of the server between two gcTotals, per 100 of `requests`, and their mean pause. */
function youngGcs(before, after, requests) {
  const count = after.minor.count - before.minor.count;
  const pauseMs = count ? ((after.minor.seconds - before.minor.seconds) / count) * 1000 : 0;
  return `${fmt((count / requests) * 100)}, ${ms(pauseMs * 1000)} ms`;
}

/** Times `requests` calls of fetch(i), one at a time, after WARMUP untimed ones. */
async function timed(fetchPage) {
  for (let i = 0; i < WARMUP; i++) await fetchPage(i);
  const latency = new Histogram();
  for (let i = 0; i < opts.requests; i++) {
    const start = nowUs();
    await fetchPage(i);
    latency.record(nowUs() - start);
  }
  return latency;
}

/**
 * The same loops with nothing behind them: a bare node:http server answering the bytes of a page
 * (bench/bare/http-server.mjs), and `SELECT 1` through mysql2. Their p99 is what this machine
 * adds to any round trip, whatever the server does.
 */
async function machineFloor(pool, pageJson) {
  const bare = await startBareServer('http');
  const call = pageClient(bare.url);
  try {
    await fetch(`${bare.url}/canned`, { method: 'POST', body: pageJson });
    const cpu0 = cpuUsOf(bare.pid);
    const http = await timed(() => call(PAGE, {}));
    const cpuUs = (cpuUsOf(bare.pid) - cpu0) / (opts.requests + WARMUP);
    const select1 = await timed(() => pool.query('SELECT 1'));
    process.stderr.write(`  floor: bare node:http p50/p99 ${ms(http.quantile(0.5))}/${ms(http.quantile(0.99))} ms, SELECT 1 ${ms(select1.quantile(0.5))}/${ms(select1.quantile(0.99))} ms\n`);
    return ['floor: bare node:http answering the same bytes; SELECT 1', ms(http.quantile(0.5)), ms(http.quantile(0.99)), ms(http.max),
      ms(select1.quantile(0.5)), ms(select1.quantile(0.99)), fmt(Math.round(cpuUs)), '–', '–', '–', '–'];
  } finally {
    call.close();
    await bare.stop();
  }
}

/** The timed requests' client (--client): call(query, variables, headers), and close(). */
function pageClient(url) {
  return opts.client === 'fetch' ? Object.assign((...args) => gql(url, ...args), { close() {} }) : keepAliveGql(url);
}

async function main() {
  console.log(heading(`History: pages of ${opts.page} in a room of ${fmt(opts.messages)} messages`));
  console.log(await contextLine());

  const server = await startChatServer({ tag: 'history' });
  const pool = createPool({ uri: server.database.url, connectionLimit: 4, supportBigNumbers: true, bigNumberStrings: true });
  try {
    const tenant = await createTenant(server);
    const [reader, ...authors] = await createUsers(server, tenant, AUTHORS + 1, 'h');
    const roomId = await createRoom(server, tenant, [reader.id, ...authors.map((a) => a.id)]);
    const seedStart = Date.now();
    const [firstId, lastId] = await seed(pool, { appId: tenant.appId, roomId, authorIds: authors.map((a) => a.id) }, opts.messages);
    const seedS = (Date.now() - seedStart) / 1000;
    const [[size]] = await pool.query(`SELECT ROUND(data_length / 1048576) AS data_mib, ROUND(index_length / 1048576) AS index_mib FROM information_schema.tables
      WHERE table_schema = DATABASE() AND table_name = 'messages'`);
    const [[bufferPool]] = await pool.query(`SELECT @@innodb_buffer_pool_size / 1048576 AS mib`);
    console.log(`Settings: ${fmt(opts.messages)} rows seeded in ${fmt(seedS)} s (multi-row INSERTs of ${fmt(opts['rows-per-insert'])} through mysql2, ${AUTHORS} authors); `
      + `messages table ${size.data_mib} MiB data + ${size.index_mib} MiB indexes, InnoDB buffer pool ${fmt(Number(bufferPool.mib))} MiB. `
      + `${fmt(opts.requests)} timed requests per row, one at a time, after ${WARMUP} untimed (so the server's code is compiled, as in a running deployment), through ${opts.client === 'fetch' ? 'global fetch (undici)' : 'node:http on one kept-alive connection'}; GraphQL over HTTP as a member of the (GROUP) room, `
      + 'selecting id, text, createdAt and author { id uname }. Server CPU and young-generation collections (scavenges: chat_nodejs_gc_duration_seconds{kind="minor"} from its /metrics, each a pause of the whole server) count the untimed requests too. "SQL only": the equivalent SELECT (with the server\'s index hint) through mysql2. '
      + 'The last row is this machine\'s floor, timed the same way: a bare node:http server (bench/bare/http-server.mjs) answering the bytes of the last page, and SELECT 1 through mysql2.');

    const span = lastId - firstId;
    const at = (fraction) => String(firstId + BigInt(Math.floor(Number(span) * fraction)));
    const deepFixed = at(0.1); // 900,000 messages back
    const kinds = [
      ['newest page', () => null],
      ['deep page (90% back, same each time)', () => deepFixed],
      ['deep page (random position)', () => at(Math.random())],
    ];
    const rows = [];
    let last = null;
    const call = pageClient(server.url);
    for (const [label, before] of kinds) {
      const counters0 = await statementCounters(pool);
      const profiler = server.inspectPort ? await attachProfiler(server.inspectPort) : null;
      await profiler?.start();
      const gc0 = await gcTotals(server.url);
      const cpu0 = cpuUsOf(server.pid);
      const api = await timed(async () => {
        last = await call(PAGE, { r: roomId, before: before(), limit: opts.page }, asUser(reader.token));
      });
      const serverCpuUs = (cpuUsOf(server.pid) - cpu0) / (opts.requests + WARMUP);
      const gc1 = await gcTotals(server.url);
      if (profiler) process.stderr.write(`${label}: ${await profiler.stop()}\n`);
      const statements = counterDelta(counters0, await statementCounters(pool));
      if (last.messages.nodes.length !== opts.page) throw new Error(`${label}: got ${last.messages.nodes.length} messages, wanted ${opts.page}`);
      const sql = await timed(async () => {
        const b = before();
        await pool.query(`SELECT m.id, m.room_id, m.author_id, m.kind, m.text, m.meta, m.client_msg_id, m.created_at, m.edited_at, m.deleted_at,
            u.id AS u_id, u.external_id AS u_external_id, u.uname AS u_uname, u.display_name AS u_display_name, u.role AS u_role,
            u.is_bot AS u_is_bot, u.meta AS u_meta, u.created_at AS u_created_at
          FROM messages m FORCE INDEX (ix_messages_room_id) LEFT JOIN users u ON u.id = m.author_id
          WHERE m.app_id = ? AND m.room_id = ?${b ? ' AND m.id < ?' : ''} ORDER BY m.id DESC LIMIT ?`,
        b ? [tenant.appId, roomId, b, opts.page + 1] : [tenant.appId, roomId, opts.page + 1]);
      });
      const requests = opts.requests + WARMUP;
      rows.push([label, ms(api.quantile(0.5)), ms(api.quantile(0.99)), ms(api.max), ms(sql.quantile(0.5)), ms(sql.quantile(0.99)),
        fmt(Math.round(serverCpuUs)), youngGcs(gc0, gc1, requests), fmt(statements.Questions / requests), fmt(statements.Com_select / requests),
        api.quantile(0.99) <= 3000 ? 'met' : 'NOT met']);
      process.stderr.write(`  ${label}: p50/p99 ${ms(api.quantile(0.5))}/${ms(api.quantile(0.99))} ms\n`);
    }
    call.close();
    rows.push(await machineFloor(pool, JSON.stringify({ data: last })));
    console.log(table(['page', 'API p50 ms', 'API p99 ms', 'API max ms', 'SQL only p50 ms', 'SQL only p99 ms', 'server CPU µs/request', 'young-gen GCs per 100 requests, mean pause', 'statements/request', 'selects/request', 'target p99 ≤ 3 ms'], rows));
    const [plan] = await pool.query(`EXPLAIN SELECT m.id FROM messages m FORCE INDEX (ix_messages_room_id) WHERE m.app_id = ? AND m.room_id = ? AND m.id < ? ORDER BY m.id DESC LIMIT 51`,
      [tenant.appId, roomId, deepFixed]);
    console.log(`\nPlan of the deep page: ${plan.map((p) => `key=${p.key} type=${p.type} rows≈${p.rows} extra=${p.Extra}`).join('; ')}`);
  } finally {
    await pool.end();
    await server.stop();
  }
}

await main();
