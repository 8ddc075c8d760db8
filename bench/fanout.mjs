#!/usr/bin/env node
// Fan-out: one room, N subscribers (legacy Socket.IO sockets and/or graphql-ws messageAdded
// subscriptions), a few senders. Delivered messages/s and send→receive latency (the send time
// is stamped in the message text), at a fixed offered load and at saturation. The same load
// generator runs against the chat server (on MariaDB) and the bare servers of bench/bare/.
// With --instances 2, each chat-server target runs on one instance with REDIS_URL (the
// baseline) and then on two instances sharing the database and Redis, and the ratio is printed.
//
//   node bench/fanout.mjs [--n 100,1000,5000] [--duration 4] [--targets mixed,legacy,graphql,bare-socketio,bare-graphql-ws]
//   node bench/fanout.mjs --instances 2 [--redis redis://127.0.0.1:6379] [--senders-on first|split]
import { createTenant, createUsers, inParallel } from './lib/api.mjs';
import { graphqlSender, graphqlSubscriber, legacySocket } from './lib/clients.mjs';
import { contextLine, cpuMeter, databasePid, Histogram, metricsText, nowUs, quiet, rssOf, sleep } from './lib/measure.mjs';
import { attachProfiler } from './lib/profile.mjs';
import { fmt, heading, ms, options, ratio, table } from './lib/report.mjs';
import { startBareServer, startChatServer } from './lib/server.mjs';

const ALL_N = [100, 1000, 5000];
const ALL_TARGETS = ['mixed', 'legacy', 'graphql', 'bare-socketio', 'bare-graphql-ws'];
const opts = options({
  n: { type: 'numbers', default: null, defaultHelp: `${ALL_N.join(',')}; 1000 with --instances > 1`, help: 'subscriber counts' },
  targets: { type: 'list', default: null, defaultHelp: `${ALL_TARGETS.join(',')}; mixed with --instances > 1`, help: 'what to load (see TARGETS)' },
  'transport-n': { type: 'numbers', default: [1000], help: 'N at which the one-transport targets (legacy, graphql) run (0: every N); the others run at every N' },
  modes: { type: 'list', default: ['fixed', 'saturation'], help: 'fixed offered load and/or saturation' },
  duration: { type: 'number', default: 4, help: 'measured seconds per mode' },
  warmup: { type: 'number', default: 2, help: 'unmeasured seconds before each measurement' },
  rate: { type: 'number', default: 5000, help: 'fixed mode: offered deliveries/s (messages/s = rate / N)' },
  senders: { type: 'number', default: 4, help: 'sending connections' },
  window: { type: 'number', default: 2, help: 'saturation: messages in flight per sender' },
  'subscriber-users': { type: 'number', default: 100, help: 'distinct users the subscribers sign in as (subscriber i: user i mod this); 0: one per subscriber' },
  redis: { type: 'string', default: '', defaultHelp: '""; redis://127.0.0.1:6379 with --instances > 1', help: 'REDIS_URL for the chat server (empty: in process)' },
  instances: { type: 'number', default: 1, help: 'chat-server instances (> 1: each chat-server target on one instance with REDIS_URL, then on this many sharing MariaDB and Redis)' },
  'senders-on': { type: 'string', default: 'first', help: 'with --instances > 1: "first" (every sender on the first instance) or "split" (sender k on instance k mod instances)' },
}, 'Fan-out benchmark: one room, N subscribers, delivered messages/s and latency.');

// Scale-out mode: the comparison one instance → several needs the Redis bus; N and targets
// narrow to the figure of issue 6 (mixed room, N = 1,000) unless given.
const scaleOut = opts.instances > 1;
if (scaleOut) opts.redis ||= 'redis://127.0.0.1:6379';
opts.n ??= scaleOut ? [1000] : ALL_N;
opts.targets ??= scaleOut ? ['mixed'] : ALL_TARGETS;
if (!['split', 'first'].includes(opts['senders-on'])) throw new Error(`--senders-on is split or first, not ${opts['senders-on']}`);

/** Who listens, and on which server. Senders on the chat server use the sendMessage mutation over graphql-ws. */
const TARGETS = {
  mixed: { server: 'ours', legacyShare: 0.5, label: 'ours, ½ legacy + ½ graphql-ws' },
  legacy: { server: 'ours', legacyShare: 1, label: 'ours, legacy sockets' },
  graphql: { server: 'ours', legacyShare: 0, label: 'ours, graphql-ws' },
  'bare-socketio': { server: 'socketio', legacyShare: 1, label: 'bare Socket.IO' },
  'bare-graphql-ws': { server: 'graphql-ws', legacyShare: 0, label: 'bare graphql-ws + PubSub' },
};
for (const t of opts.targets) if (!TARGETS[t]) throw new Error(`unknown target ${t}; one of ${Object.keys(TARGETS).join(', ')}`);

const LEGACY = 0;
const GRAPHQL = 1;
const TRANSPORT_NAMES = ['legacy', 'graphql'];

/** Message text: "<send µs>|<phase tag>|<sender>.<seq>|…"; the receiver reads the fields it needs. */
const delivered = new Float64Array(128); // deliveries per phase tag (char code)
let seen = new Uint8Array(0); // per subscriber: got something since the last reset (readiness barrier)
let instanceOf = new Uint8Array(0); // per subscriber: which chat-server instance it is connected to
const measuring = {
  code: -1, open: false, count: [0, 0], hist: [new Histogram(), new Histogram()], all: new Histogram(),
  byInstance: [], // latency of the subscribers of each instance (one histogram per instance, set per phase)
};
/** Saturation: messages not yet received by every subscriber, by "<sender>.<seq>". */
const incomplete = new Map();

function onDelivery(transport, index, text) {
  const bar = text.indexOf('|');
  const code = text.charCodeAt(bar + 1);
  delivered[code]++;
  seen[index] = 1;
  if (measuring.open && code === measuring.code) {
    const latency = nowUs() - Number(text.slice(0, bar));
    measuring.count[transport]++;
    measuring.hist[transport].record(latency);
    measuring.byInstance[instanceOf[index]].record(latency);
    measuring.all.record(latency);
  }
  if (incomplete.size > 0) {
    const key = text.slice(bar + 3, text.indexOf('|', bar + 3));
    const waiting = incomplete.get(key);
    if (waiting && --waiting.remaining === 0) { incomplete.delete(key); waiting.done(); }
  }
}

/** Resolves once every subscriber received the message (or after timeoutMs, counting it as stuck). */
function everyoneGot(key, n, timeoutMs = 15_000) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => { incomplete.delete(key); resolve(false); }, timeoutMs);
    incomplete.set(key, { remaining: n, done: () => { clearTimeout(timer); resolve(true); } });
  });
}

/**
 * The event-bus lag histogram of the chat servers (chat_event_bus_lag_seconds: publish on one
 * instance → delivery on another, Redis bus only), summed over the instances' /metrics.
 */
async function busLagTotals(servers) {
  const totals = { sum: 0, count: 0, buckets: new Map() }; // buckets: le → cumulative count, ascending
  await Promise.all(servers.map(async (server) => {
    const text = await metricsText(server.url);
    for (const line of text.split('\n')) {
      const match = /^chat_event_bus_lag_seconds_(bucket|sum|count)(?:\{([^}]*)\})? (\S+)$/.exec(line);
      if (!match) continue;
      const value = Number(match[3]);
      if (match[1] !== 'bucket') { totals[match[1]] += value; continue; }
      const le = /le="([^"]+)"/.exec(match[2])[1];
      totals.buckets.set(le, (totals.buckets.get(le) ?? 0) + value);
    }
  }));
  return totals;
}

/** Bus lag between two busLagTotals: events, mean µs, and the bucket bound 99% stayed under (µs); null without events. */
function busLagBetween(before, after) {
  const count = after.count - before.count;
  if (!count) return null;
  let p99AtMost = Infinity;
  for (const [le, cumulative] of after.buckets) {
    if (cumulative - (before.buckets.get(le) ?? 0) >= 0.99 * count) { p99AtMost = Number(le) * 1e6; break; }
  }
  return { count, meanUs: ((after.sum - before.sum) / count) * 1e6, p99AtMost };
}

let nextTag = 65; // 'A'…
const takeTag = () => { const code = nextTag; nextTag = nextTag >= 122 ? 65 : nextTag + 1; return code; };

/**
 * One measured phase: warmup, then `duration` seconds counted, then drain. `fixed` offers
 * opts.rate deliveries/s open-loop (send times follow the schedule, not the acks). `saturation`
 * keeps opts.window messages per sender in flight, a message leaving the window once every
 * subscriber received it: the highest delivery rate with a bounded queue, so its latency means
 * something too.
 */
async function phase(mode, ctx) {
  const { senders, n, servers, dbPid } = ctx;
  const code = takeTag();
  const tag = String.fromCharCode(code);
  let running = true;
  let sent = 0, acked = 0, ackedInWindow = 0, errors = 0, skipped = 0, stuck = 0, firstError = null;
  const outstanding = new Array(senders.length).fill(0);
  const windowOpen = () => measuring.open && measuring.code === code;
  const sendOne = (k, track = false) => {
    const key = `${k}.${sent++}`;
    const text = `${nowUs()}|${tag}|${key}|bench fan-out message`;
    const received = track ? everyoneGot(key, n) : null;
    outstanding[k]++;
    const ack = senders[k].sendText(text).then(
      () => { acked++; if (windowOpen()) ackedInWindow++; return true; },
      (error) => { errors++; firstError ??= error.message; incomplete.get(key)?.done(); incomplete.delete(key); return false; },
    ).finally(() => { outstanding[k]--; });
    if (!track) return ack;
    return ack.then(async (ok) => {
      if (!ok) return sleep(10); // refused: do not spin
      if (!(await received)) stuck++;
    });
  };

  const loops = [];
  const msgRate = opts.rate / n;
  if (mode === 'fixed') {
    // Open loop: message i is due at start + i/msgRate, round-robin over senders; late timers catch up.
    loops.push((async () => {
      const start = nowUs();
      const interval = 1e6 / msgRate;
      let i = 0;
      while (running) {
        const due = start + i * interval;
        const wait = due - nowUs();
        if (wait > 0) { await sleep(Math.max(1, wait / 1000)); continue; }
        const k = i % senders.length;
        if (outstanding[k] < 500) void sendOne(k); else skipped++;
        i++;
      }
    })());
  } else {
    for (let k = 0; k < senders.length; k++) {
      for (let w = 0; w < opts.window; w++) {
        loops.push((async () => { while (running) await sendOne(k, true); })());
      }
    }
  }

  await sleep(opts.warmup * 1000);
  measuring.code = code;
  measuring.count = [0, 0];
  measuring.hist.forEach((h) => h.reset());
  measuring.all.reset();
  measuring.byInstance = servers.map(() => new Histogram());
  // Server CPU is counted per instance (server0, server1, …) and summed.
  const serverKeys = servers.map((_, i) => `server${i}`);
  const meter = cpuMeter({ ...Object.fromEntries(servers.map((s, i) => [serverKeys[i], s.pid])), loadgen: 'self', db: dbPid });
  const profilers = mode === 'saturation'
    ? await Promise.all(servers.map((s) => (s.inspectPort ? attachProfiler(s.inspectPort) : null))) : [];
  await Promise.all(profilers.map((p) => p?.start()));
  const busBefore = scaleOut ? await busLagTotals(servers) : null;
  meter.start();
  measuring.open = true;
  await sleep(opts.duration * 1000);
  measuring.open = false;
  const usage = meter.stop();
  const busLag = scaleOut ? busLagBetween(busBefore, await busLagTotals(servers)) : null;
  for (const [i, p] of profilers.entries()) {
    if (p) process.stderr.write(`${servers.length > 1 ? `Instance ${i}: ` : ''}${await p.stop()}\n`);
  }
  const rss = servers.map((s) => rssOf(s.pid));
  const cpuByInstance = serverKeys.map((key) => usage.cpu[key]);
  const serverCpuSeconds = cpuByInstance.reduce((sum, c) => sum + c.seconds, 0);
  running = false;
  let giveUp;
  await Promise.race([Promise.all(loops), new Promise((resolve) => { giveUp = setTimeout(resolve, 30_000); })]);
  clearTimeout(giveUp);
  for (const until = Date.now() + 30_000; outstanding.some((o) => o > 0) && Date.now() < until;) await sleep(20);
  // Drain: everything acknowledged should reach every subscriber.
  const expected = acked * n;
  let last = -1;
  for (let idle = 0; delivered[code] < expected && idle < 30; idle = delivered[code] === last ? idle + 1 : 0) {
    last = delivered[code];
    await sleep(100);
  }
  const count = measuring.count[0] + measuring.count[1];
  return {
    mode, n, msgRateOffered: mode === 'fixed' ? msgRate : null,
    msgS: ackedInWindow / usage.wallS, deliveriesS: count / usage.wallS,
    byTransport: TRANSPORT_NAMES.map((name, t) => ({
      name, count: measuring.count[t], p50: measuring.hist[t].quantile(0.5), p99: measuring.hist[t].quantile(0.99),
    })),
    byInstance: measuring.byInstance.map((h) => ({ p50: h.quantile(0.5), p99: h.quantile(0.99) })),
    p50: measuring.all.quantile(0.5), p99: measuring.all.quantile(0.99), max: measuring.all.max,
    serverCpu: cpuByInstance.reduce((sum, c) => sum + c.percent, 0), cpuByInstance: cpuByInstance.map((c) => c.percent),
    loadgenCpu: usage.cpu.loadgen.percent, dbCpu: usage.cpu.db?.percent ?? NaN,
    usPerDelivery: count ? (serverCpuSeconds * 1e6) / count : NaN,
    rssMiB: rss.map((bytes) => bytes / 2 ** 20), busLag,
    lostPct: expected ? (100 * Math.max(0, expected - delivered[code])) / expected : 0,
    errors, firstError, skipped, stuck,
  };
}

/**
 * Exactly `count` chat-server instances running: the first (started in main) and more on its
 * database with the same REDIS_URL (their migrations find nothing to do), stopped again when
 * fewer are wanted, so a one-instance baseline never has an idle second instance beside it.
 */
async function useInstances(shared, count) {
  while (shared.ours.length > count) await shared.ours.pop().stop();
  while (shared.ours.length < count) {
    shared.ours.push(await startChatServer({ tag: 'fanout', database: shared.ours[0].database, redisUrl: opts.redis }));
  }
}

/**
 * Connects N subscribers and the senders, proves every subscriber live, runs the modes,
 * disconnects. On the chat server with `instances` > 1, subscriber i connects to instance
 * i mod instances (so each transport is split evenly too), and every sender to the first
 * (--senders-on first: one writer per room, so the other instances only fan out what the bus
 * brings) or sender k to instance k mod instances (--senders-on split).
 */
async function scenario(targetName, n, shared, instances = 1) {
  const target = TARGETS[targetName];
  const ours = target.server === 'ours';
  if (ours) await useInstances(shared, instances);
  const servers = ours ? [...shared.ours] : [await startBareServer(target.server)];
  const pids = servers.map((s) => s.pid);
  const legacyCount = Math.round(n * target.legacyShare);
  const roomId = ours ? shared.tenant.lobbyId : '1';
  const appId = ours ? shared.tenant.appId : 1;
  // Chat-server users: senders first, then the subscribers' users. Bare servers take any name.
  const userAt = (i) => (ours ? shared.users[i] : { uname: `b${i}`, token: null, hashedToken: null });
  const subscriberUsers = opts['subscriber-users'] || n;
  seen = new Uint8Array(n);
  instanceOf = Uint8Array.from({ length: n }, (_, i) => i % servers.length);
  const subscribers = [];
  const connectStart = Date.now();
  const name = `${targetName}${servers.length > 1 ? ` on ${servers.length} instances` : ''} N=${n}`;
  const log = (line) => process.stderr.write(`  ${name}: ${line} (${((Date.now() - connectStart) / 1000).toFixed(0)} s in)\n`);
  try {
    await inParallel(Array.from({ length: n }, (_, i) => i), 64, async (i) => {
      const user = userAt(opts.senders + (i % subscriberUsers));
      const server = servers[instanceOf[i]];
      subscribers[i] = i < legacyCount
        ? await legacySocket(server.url, { appId, hashedToken: user.hashedToken, uname: user.uname }, (m) => onDelivery(LEGACY, i, m.text))
        : await graphqlSubscriber(server.url, user.token, roomId, (m) => onDelivery(GRAPHQL, i, m.text), user.uname);
    });
    const connectS = (Date.now() - connectStart) / 1000;
    log(`${n} subscribers connected`);
    const senders = await Promise.all(Array.from({ length: opts.senders }, async (_, k) => {
      const user = userAt(k);
      const server = servers[opts['senders-on'] === 'first' ? 0 : k % servers.length];
      if (target.server === 'socketio') {
        const socket = await legacySocket(server.url, { appId, hashedToken: null, uname: user.uname });
        return { close: socket.close, sendText: (text) => socket.send(text) };
      }
      const sender = await graphqlSender(server.url, user.token, user.uname);
      return { close: sender.close, sendText: (text) => sender.send(roomId, text) };
    }));
    // Readiness: probes until every subscriber has received one (subscriptions register asynchronously).
    const readyStart = Date.now();
    while (seen.some((s) => s === 0) && Date.now() - readyStart < 120_000) {
      await senders[0].sendText(`${nowUs()}|~|probe|readiness probe`);
      await sleep(300);
    }
    const notReady = seen.reduce((missing, s) => missing + (s === 0 ? 1 : 0), 0);
    await quiet(pids);
    const results = [];
    for (const mode of opts.modes) {
      const result = await phase(mode, { senders, n, servers, dbPid: ours ? shared.dbPid : null });
      results.push({ target: targetName, instances: servers.length, connectS, notReady, ...result });
      log(`${mode}: ${fmt(result.deliveriesS)} deliveries/s, p50/p99 ${ms(result.p50)}/${ms(result.p99)} ms, server CPU ${fmt(result.serverCpu)}%`
        + (result.busLag ? `, bus lag mean ${ms(result.busLag.meanUs)} ms` : ''));
      // Refused sends: what the servers logged (their last lines) says why.
      if (result.errors) for (const [i, s] of servers.entries()) process.stderr.write(`  instance ${i}, last lines of its log:\n${s.output()}\n`);
      await quiet(pids);
    }
    const dropped = subscribers.filter((s) => s?.dropped()).length;
    for (const r of results) r.dropped = dropped;
    await Promise.all(senders.map((s) => s.close()));
    return results;
  } finally {
    await Promise.all(subscribers.map((s) => s?.close()));
    if (ours) await quiet(pids);
    else await servers[0].stop();
    log('done');
  }
}

async function main() {
  console.log(heading(scaleOut ? `Fan-out across ${opts.instances === 2 ? 'two' : opts.instances} instances (Redis)` : 'Fan-out: one room, N subscribers'));
  console.log(await contextLine());
  console.log(`Settings: N = ${opts.n.join(', ')}; ${opts.senders} senders; fixed load ${fmt(opts.rate)} deliveries/s (messages/s = ${fmt(opts.rate)}/N); `
    + `saturation: ${opts.window} messages in flight per sender, each until every subscriber got it; ${opts.warmup} s warm-up + ${opts.duration} s measured per mode. Chat server on MariaDB${opts.redis ? ' + Redis' : ''}, `
    + `its senders use the sendMessage mutation over graphql-ws (acked after commit); bare Socket.IO senders emit new_message with an ack. `
    + `Flood control of the bench app raised to 10,000 messages/s per user per room (updateAppSettings). `
    + (opts['subscriber-users'] ? `Subscribers sign in as ${opts['subscriber-users']} distinct users (subscriber i as user i mod ${opts['subscriber-users']}): `
      + 'with one user per connection, presence (user_joined to every legacy socket, every online user in each auth answer) makes connecting O(N²).' : 'Every subscriber signs in as its own user.')
    + (scaleOut ? ` Scale-out: each chat-server target runs on one instance with REDIS_URL (the baseline), then on ${opts.instances} instances sharing the database and Redis `
      + `(started after the baseline; subscriber i on instance i mod ${opts.instances}, legacy and graphql-ws alike; `
      + `${opts['senders-on'] === 'split' ? `sender k on instance k mod ${opts.instances}` : 'every sender on the first instance'}). `
      + 'Server CPU, µs per delivery and RSS are summed over the instances; bus lag is chat_event_bus_lag_seconds from /metrics (publish → delivery on another instance, ms clock), '
      + 'mean and the histogram bucket 99% stayed under.' : ''));

  const shared = { ours: [], tenant: null, users: [], dbPid: databasePid() };
  const results = [];
  try {
    if (opts.targets.some((t) => TARGETS[t].server === 'ours')) {
      shared.ours = [await startChatServer({ tag: 'fanout', redisUrl: opts.redis || null })];
      shared.tenant = await createTenant(shared.ours[0]);
      const t0 = Date.now();
      shared.users = await createUsers(shared.ours[0], shared.tenant, opts.senders + (opts['subscriber-users'] || Math.max(...opts.n)));
      process.stderr.write(`  created ${shared.users.length} users with tokens in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    }
    for (const n of opts.n) {
      for (const target of opts.targets) {
        const oneTransport = target === 'legacy' || target === 'graphql';
        if (oneTransport && opts['transport-n'].length && !opts['transport-n'].includes(n)) continue;
        // Scale-out: the one-instance baseline, then the same on opts.instances instances.
        const counts = scaleOut && TARGETS[target].server === 'ours' ? [1, opts.instances] : [1];
        for (const count of counts) results.push(...(await scenario(target, n, shared, count)));
      }
    }
  } finally {
    // The extra instances first: the first one drops the database they share.
    for (const server of shared.ours.reverse()) await server.stop();
  }
  report(results);
}

/** A sum over instances, followed by its parts when there are several: "120 (70 + 50)". */
const summed = (parts) => (parts.length > 1 ? `${fmt(parts.reduce((a, b) => a + b, 0))} (${parts.map((p) => fmt(p)).join(' + ')})` : fmt(parts[0]));

function report(results) {
  const rows = results.map((r) => {
    const lat = (t) => `${ms(r.byTransport[t].p50)}/${ms(r.byTransport[t].p99)}`;
    const split = r.byTransport[0].count && r.byTransport[1].count ? `legacy ${lat(0)}, gql ${lat(1)}` : '';
    const label = `${TARGETS[r.target].label}${scaleOut && TARGETS[r.target].server === 'ours' ? `, ${r.instances} instance${r.instances > 1 ? 's' : ''}` : ''}`;
    const row = [
      label, fmt(r.n), r.mode, r.msgRateOffered ? fmt(r.msgRateOffered) : 'closed loop', fmt(r.msgS), fmt(r.deliveriesS),
      `${ms(r.p50)} / ${ms(r.p99)}`, split, summed(r.cpuByInstance), fmt(r.usPerDelivery), fmt(r.loadgenCpu), fmt(r.dbCpu), summed(r.rssMiB),
      `${fmt(r.lostPct)}%`, `${r.errors}${r.firstError ? ` (${r.firstError.slice(0, 60)})` : ''}${r.skipped ? `, ${r.skipped} not sent (over 500 unacked)` : ''}${r.stuck ? `, ${r.stuck} not delivered to all in 15 s` : ''}`,
      `${fmt(r.connectS)} s${r.notReady ? `, ${r.notReady} never ready` : ''}${r.dropped ? `, ${r.dropped} dropped` : ''}`,
    ];
    if (scaleOut) {
      // Latency of the subscribers of each instance (with --senders-on first, #0 is the local side), and the bus lag.
      const lag = r.busLag;
      row.push(r.instances > 1 ? r.byInstance.map((h, i) => `#${i} ${ms(h.p50)}/${ms(h.p99)}`).join(', ') : '',
        lag ? `${ms(lag.meanUs)} / ${Number.isFinite(lag.p99AtMost) ? `≤ ${ms(lag.p99AtMost)}` : '> 1000'}` : '–');
    }
    return row;
  });
  console.log(table(['target', 'N', 'mode', 'offered msg/s', 'acked msg/s', 'deliveries/s', 'p50 / p99 ms', 'p50/p99 by transport',
    'server CPU %', 'server µs/delivery', 'loadgen CPU %', 'db CPU %', 'server RSS MiB', 'lost', 'errors', 'connect',
    ...(scaleOut ? ['p50/p99 by instance', 'bus lag mean / p99 ms'] : [])], rows));
  if (scaleOut) reportScaleOut(results);

  // Ratios ours/bare for each N at which both ran.
  const find = (target, n, mode) => results.find((r) => r.target === target && r.n === n && r.mode === mode);
  const ratioRows = [];
  for (const n of opts.n) {
    const pairs = [['legacy', 'bare-socketio', 'legacy vs bare Socket.IO', { atLeast: 0.8 }, { atMost: 1.5 }],
      ['graphql', 'bare-graphql-ws', 'graphql-ws vs bare graphql-ws', { atLeast: 1.5 }, null]];
    for (const [ours, bare, label, throughputTarget, latencyTarget] of pairs) {
      const sat = [find(ours, n, 'saturation'), find(bare, n, 'saturation')];
      const fixed = [find(ours, n, 'fixed'), find(bare, n, 'fixed')];
      if (!sat[0] && !fixed[0]) continue;
      ratioRows.push([label, fmt(n),
        sat[0] && sat[1] ? ratio(sat[0].deliveriesS, sat[1].deliveriesS, n === 1000 ? throughputTarget : null) : '–',
        sat[0] && sat[1] ? ratio(sat[0].usPerDelivery, sat[1].usPerDelivery) : '–',
        fixed[0] && fixed[1] ? ratio(fixed[0].p99, fixed[1].p99, n === 1000 ? latencyTarget : null) : '–']);
    }
    // The mixed room against what the two bare servers would give at the same mix: per-delivery
    // times add, so the blend is the weighted harmonic mean of their saturation rates.
    const mixed = find('mixed', n, 'saturation');
    const [bs, bg] = [find('bare-socketio', n, 'saturation'), find('bare-graphql-ws', n, 'saturation')];
    if (mixed && bs && bg) {
      const blend = 1 / (0.5 / bs.deliveriesS + 0.5 / bg.deliveriesS);
      ratioRows.push(['mixed vs bare blend (harmonic mean)', fmt(n), ratio(mixed.deliveriesS, blend), '–', '–']);
    }
  }
  if (ratioRows.length) {
    console.log('\nRatios ours/bare (same run, same load generator):\n');
    console.log(table(['pair', 'N', 'deliveries/s at saturation', 'server CPU per delivery', `p99 at ${fmt(opts.rate)} deliveries/s`], ratioRows));
  }
}

/**
 * Scale-out ratios: for each chat-server target and N, opts.instances instances against the
 * one-instance baseline of the same run. Issue 6's targets apply to the mixed room at N = 1,000:
 * saturation ceiling ≥ 1.0× and at most 5 ms added to p99 at the fixed load.
 */
function reportScaleOut(results) {
  const find = (target, n, mode, instances) => results.find((r) => r.target === target && r.n === n && r.mode === mode && r.instances === instances);
  const k = opts.instances;
  const rows = [];
  for (const n of opts.n) {
    for (const target of opts.targets.filter((t) => TARGETS[t].server === 'ours')) {
      const goal = target === 'mixed' && n === 1000;
      const sat = [find(target, n, 'saturation', 1), find(target, n, 'saturation', k)];
      const fixed = [find(target, n, 'fixed', 1), find(target, n, 'fixed', k)];
      let added = '–';
      if (fixed[0] && fixed[1]) {
        const deltaUs = fixed[1].p99 - fixed[0].p99;
        added = `${ms(deltaUs)} ms${goal ? ` (target ≤ 5 ms: ${deltaUs <= 5000 ? 'met' : 'NOT met'})` : ''}`;
      }
      rows.push([TARGETS[target].label, fmt(n),
        sat[0] && sat[1] ? ratio(sat[1].deliveriesS, sat[0].deliveriesS, goal ? { atLeast: 1.0 } : null) : '–',
        sat[0] && sat[1] ? ratio(sat[1].usPerDelivery, sat[0].usPerDelivery) : '–',
        fixed[0] && fixed[1] ? `${ms(fixed[0].p99)} → ${ms(fixed[1].p99)}` : '–', added]);
    }
  }
  if (!rows.length) return;
  console.log(`\nScale-out: ${k} instances / 1 instance, both through Redis (same run, same load generator):\n`);
  console.log(table(['target', 'N', 'deliveries/s at saturation', 'server CPU per delivery', `p99 ms at ${fmt(opts.rate)} deliveries/s, 1 → ${k}`, 'added p99'], rows));
}

await main();
