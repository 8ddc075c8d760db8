#!/usr/bin/env node
// Webhooks: message ingest with 3 endpoints subscribed to message.created vs without (the ratio,
// target ≥ 0.9×), and delivery lag (sent → the receiver has it) at an offered 1,000 messages/s.
// The receivers answer 204 at once, in a child process of their own (bench/lib/webhook-receivers.mjs)
// standing for the app backends, which run on other machines: it runs at the lowest CPU priority
// (nice 19, os.setPriority), so on a small box it takes only the CPU the server leaves.
// Fair rounds: before every ingest run the server's delivery backlog is drained (no PENDING row
// left) and the server and MariaDB are let settle (under 10% of a core for half a second: InnoDB
// flushes and purges for a while after a burst of writes), the order of the two runs alternates per
// round, and the lag phase runs on its own. The ratio reported is the geometric mean of the
// rounds' ratios over an even number of rounds, so a run's place in its round (first or second)
// weighs on both sides alike; the mean of each order is printed too.
//
//   node bench/webhooks.mjs [--senders 32] [--duration 5] [--rounds 4] [--rate 1000]
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createConnection } from 'mysql2/promise';
import { asApp, createTenant, createUsers, gql } from './lib/api.mjs';
import { graphqlSender } from './lib/clients.mjs';
import { contextLine, databasePid, Histogram, quiet, sleep } from './lib/measure.mjs';
import { fmt, heading, ms, options, ratio, table } from './lib/report.mjs';
import { ROOT, startChatServer } from './lib/server.mjs';

const opts = options({
  senders: { type: 'number', default: 32, help: 'concurrent senders (one message in flight each), into the lobby' },
  duration: { type: 'number', default: 5, help: 'measured seconds per ingest run' },
  warmup: { type: 'number', default: 1, help: 'unmeasured seconds before each run' },
  rounds: { type: 'number', default: 4, help: 'rounds of one run without and one with webhooks (order alternating; rounded up to an even number); the ratio is their geometric mean' },
  rate: { type: 'number', default: 1000, help: 'messages/s offered in the lag phase' },
  lagSeconds: { type: 'number', default: 5, help: 'seconds of the lag phase' },
}, 'Webhooks benchmark: ingest with and without 3 endpoints, and delivery lag.');

const wallMs = () => performance.timeOrigin + performance.now();

/** The receivers' process: `count` endpoints; stats() and lags() ask it over IPC. */
async function receivers(count) {
  const child = fork(join(ROOT, 'bench', 'lib', 'webhook-receivers.mjs'), [String(count)], { stdio: 'inherit' });
  setPriority(child.pid, 19); // the remote backends: only the CPU the server leaves
  const [{ urls }] = await once(child, 'message');
  const ask = async (what) => { child.send(what); return (await once(child, 'message'))[0]; };
  return { urls, stats: () => ask('stats'), lags: () => ask('lags'), close: () => child.kill() };
}

async function addHook(server, tenant, url) {
  const answer = await gql(server.url, `mutation($u: String!) { createWebhook(input: { url: $u, events: ["message.created"] }) { webhook { id } } }`, { u: url }, asApp(tenant));
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
}

async function senders(server, tenant, count) {
  const users = await createUsers(server, tenant, count);
  return Promise.all(users.map((u) => graphqlSender(server.url, u.token, u.uname)));
}

/** Waits until the server materialised every message and has no PENDING delivery left; the ms it took. */
async function drain(db) {
  const started = Date.now();
  for (;;) {
    const [[row]] = await db.query(`SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'PENDING'`);
    const [[cursor]] = await db.query(`SELECT (SELECT last_id FROM webhook_cursors WHERE name = 'message.created') - (SELECT COALESCE(MAX(id), 0) FROM messages) AS behind`);
    if (Number(row.n) === 0 && Number(cursor.behind) >= 0) return Date.now() - started;
    if (Date.now() - started > 60_000) {
      const [why] = await db.query(`SELECT status, attempts, last_error, claimed_by, claim_until - ? AS left_ms, COUNT(*) AS n FROM webhook_deliveries
        WHERE status <> 'DELIVERED' GROUP BY status, attempts, last_error, claimed_by, claim_until`, [Date.now()]);
      console.log(await hooks.stats());
      throw new Error(`${row.n} deliveries still pending after a minute: ${JSON.stringify(why)}`);
    }
    await sleep(100);
  }
}

/**
 * Messages/s acknowledged over `duration` seconds by closed-loop senders; `sent` counts every
 * acknowledged one (warm-up too); `delivered`, the webhook deliveries the receivers got within the
 * measured seconds (the webhook work that shared the machine with ingest).
 */
async function ingest(lanes, roomId) {
  let running = true, measuring = false, done = 0, sent = 0, errors = 0;
  const loops = lanes.map(async (lane) => {
    while (running) {
      try {
        await lane.send(roomId, 'bench webhooks message, about as long as a chat line');
        sent++;
        if (measuring) done++;
      } catch { errors++; await sleep(10); }
    }
  });
  await sleep(opts.warmup * 1000);
  const before = (await hooks.stats()).delivered;
  measuring = true;
  await sleep(opts.duration * 1000);
  measuring = false;
  const delivered = (await hooks.stats()).delivered - before;
  running = false;
  await Promise.all(loops);
  return { rate: done / opts.duration, sent, errors, delivered };
}

const geomean = (xs) => Math.exp(xs.reduce((sum, x) => sum + Math.log(x), 0) / xs.length);
const rounds = opts.rounds + (opts.rounds % 2);

console.log(await contextLine());
console.log('receivers: a child process at the lowest CPU priority (nice 19), standing for remote app backends');
// WEBHOOK_CONCURRENCY from the bench's environment reaches the server (to measure the worker's share).
const server = await startChatServer({ tag: 'webhooks', env: process.env.WEBHOOK_CONCURRENCY ? { WEBHOOK_CONCURRENCY: process.env.WEBHOOK_CONCURRENCY } : {} });
const db = await createConnection({ uri: server.database.url });
const hooks = await receivers(4);
try {
  const plain = await createTenant(server, { name: 'bench-plain' });
  const hooked = await createTenant(server, { name: 'bench-hooked' });
  for (const url of hooks.urls.slice(0, 3)) await addHook(server, hooked, url);
  const plainLanes = await senders(server, plain, opts.senders);
  const hookedLanes = await senders(server, hooked, opts.senders);
  const rows = [];
  const ratios = [];
  let hookedSent = 0;
  const settle = async () => { await drain(db); await quiet([server.pid, databasePid()].filter(Boolean), 10, 30_000); };
  for (let round = 1; round <= rounds; round++) {
    const result = {};
    for (const kind of round % 2 ? ['without', 'with'] : ['with', 'without']) {
      await settle();
      result[kind] = kind === 'with' ? await ingest(hookedLanes, hooked.lobbyId) : await ingest(plainLanes, plain.lobbyId);
      if (kind === 'with') {
        hookedSent += result.with.sent;
        result.catchUp = await drain(db); // how long the worker needed after the run to send the rest
      }
    }
    ratios.push(result.with.rate / result.without.rate);
    rows.push([round, round % 2 ? 'without, with' : 'with, without', fmt(result.without.rate, 0), fmt(result.with.rate, 0),
      (result.with.rate / result.without.rate).toFixed(2), fmt(result.with.delivered / opts.duration, 0), fmt(result.catchUp, 0), result.without.errors + result.with.errors]);
  }
  console.log(heading(`Ingest, ${opts.senders} senders, ${opts.duration} s per run, backlog drained before each run`));
  console.log(table(['round', 'order', 'msg/s without webhooks', 'msg/s with 3 endpoints', 'ratio', 'deliveries/s during the run', 'ms to send the rest after', 'errors'], rows));
  const byOrder = (first) => geomean(ratios.filter((_, i) => (i % 2 === 0) === first)).toFixed(2);
  console.log(`ratio (geometric mean of the ${rounds} rounds): ${ratio(geomean(ratios), 1, { atLeast: 0.9 })}; `
    + `${byOrder(true)}× in the rounds that ran without webhooks first, ${byOrder(false)}× in those that ran with them first`);
  const { delivered } = await hooks.stats();
  console.log(`deliveries received: ${delivered} for ${hookedSent} messages × 3 endpoints = ${hookedSent * 3} expected`);
  for (const lane of [...plainLanes, ...hookedLanes]) lane.close?.();

  // Lag: one endpoint, messages offered at --rate; lag = arrival at the receiver − the send's start, keyed by the text.
  const lagTenant = await createTenant(server, { name: 'bench-lag' });
  await addHook(server, lagTenant, hooks.urls[3]);
  const lagLanes = await senders(server, lagTenant, opts.senders);
  await drain(db);
  const sentAt = new Map();
  const total = opts.rate * opts.lagSeconds;
  const started = wallMs();
  let failed = 0;
  const sends = [];
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / opts.rate - wallMs();
    if (wait > 1) await sleep(wait);
    const text = `lag ${i}`;
    sentAt.set(text, wallMs());
    sends.push(lagLanes[i % lagLanes.length].send(lagTenant.lobbyId, text).catch(() => { failed++; }));
  }
  await Promise.all(sends);
  const offeredFor = (wallMs() - started) / 1000;
  await drain(db);
  const lag = new Histogram();
  for (const [text, at] of (await hooks.lags()).arrivals) lag.record((at - sentAt.get(text)) * 1000);
  console.log(heading(`Delivery lag at ${opts.rate} msg/s offered (${total} messages, sent in ${offeredFor.toFixed(1)} s)`));
  console.log(table(['delivered', 'send errors', 'p50 ms', 'p99 ms', 'max ms'],
    [[lag.count, failed, ms(lag.quantile(0.5)), ms(lag.quantile(0.99)), ms(lag.quantile(1))]]));
  for (const lane of lagLanes) lane.close?.();
} finally {
  hooks.close();
  await db.end();
  await server.stop?.();
}
