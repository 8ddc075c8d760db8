#!/usr/bin/env node
// Ingest: many senders into many rooms, every message acknowledged after its commit (the
// sendMessage mutation answers once the row is committed). Messages/s against a raw mysql2
// loop of single-row INSERTs at the same concurrency, into the same table, in the same run.
//
//   node bench/ingest.mjs [--senders 32] [--rooms 32] [--duration 5] [--rounds 3] [--via ws,ws-keyed,http]
import { createPool } from 'mysql2/promise';
import { createRoom, createTenant, createUsers, inParallel } from './lib/api.mjs';
import { graphqlSender, httpSender } from './lib/clients.mjs';
import { contextLine, counterDelta, cpuMeter, databasePid, Histogram, nowUs, sleep, statementCounters } from './lib/measure.mjs';
import { attachProfiler } from './lib/profile.mjs';
import { fmt, heading, ms, options, ratio, table } from './lib/report.mjs';
import { startBareServer, startChatServer } from './lib/server.mjs';

const opts = options({
  senders: { type: 'number', default: 32, help: 'concurrent senders (each one user, one message in flight)' },
  rooms: { type: 'number', default: 32, help: 'rooms the senders write into (sender i → room i mod rooms)' },
  duration: { type: 'number', default: 5, help: 'measured seconds per run' },
  warmup: { type: 'number', default: 2, help: 'unmeasured seconds before each run' },
  via: { type: 'list', default: ['ws', 'ws-keyed'], help: 'how the chat server is called: ws (graphql-ws mutation), ws-keyed (the same, each message with its own clientMsgId), http (POST /graphql)' },
  rounds: { type: 'number', default: 3, help: 'rounds, each running every --via and then the single-row reference back to back; the ratio is their median' },
  baselines: { type: 'list', default: ['single-32', 'single-1', 'multi-1'], help: 'raw mysql2 loops: single-<concurrency>, multi-<concurrency> (100 rows per INSERT)' },
  bare: { type: 'boolean', default: true, help: 'also run the same senders against the bare graphql-ws server (in memory: no database, no auth; each operation text parsed and validated once), in the first round: what the transport alone does on this machine; BENCH_BARE=0 leaves it out' },
}, 'Ingest benchmark: durable, acknowledged messages/s vs raw mysql2 inserts.');

const TEXT = 'bench ingest message, about as long as a chat line';

/**
 * Runs `lanes` closed loops of `step()` (one call in flight per lane) for warmup + duration
 * seconds; counts and times the calls that finish inside the measured window.
 */
async function closedLoop(lanes, step, { serverPid, dbPid, counters, inspectPort = null }) {
  let running = true;
  let measuring = false;
  let done = 0, errors = 0, rowsDone = 0, firstError = null;
  const latency = new Histogram();
  const loops = Array.from({ length: lanes }, async (_, lane) => {
    while (running) {
      const start = nowUs();
      try {
        const rows = await step(lane);
        if (measuring) { done++; rowsDone += rows ?? 1; latency.record(nowUs() - start); }
      } catch (error) {
        errors++;
        firstError ??= error.message;
        await sleep(10);
      }
    }
  });
  await sleep(opts.warmup * 1000);
  const meter = cpuMeter({ server: serverPid, db: dbPid, loadgen: 'self' });
  const before = await counters();
  const profiler = inspectPort ? await attachProfiler(inspectPort) : null;
  await profiler?.start();
  meter.start();
  measuring = true;
  await sleep(opts.duration * 1000);
  measuring = false;
  const usage = meter.stop();
  const after = await counters();
  if (profiler) process.stderr.write(`${await profiler.stop()}\n`);
  running = false;
  await Promise.all(loops);
  return {
    perS: done / usage.wallS, rowsPerS: rowsDone / usage.wallS, done, rowsDone, p50: latency.quantile(0.5), p99: latency.quantile(0.99),
    errors, firstError, cpu: usage.cpu, statements: counterDelta(before, after),
  };
}

/** A --baselines entry: single-<lanes> (one row per INSERT) or multi-<lanes> (100 rows per INSERT). */
function baseline(name) {
  const [kind, lanes] = name.split('-');
  return { name, lanes: Number(lanes), perStatement: kind === 'multi' ? 100 : 1 };
}

async function main() {
  // Each round runs every way of calling the chat server, then the reference loop, back to
  // back: what the shared machine does to one run (its speed moves by half within minutes)
  // hits the pair alike. The other baselines are context and run in the first round only.
  const reference = `single-${opts.senders}`;
  const paired = opts.baselines.includes(reference);
  const rounds = paired ? opts.rounds : 1;
  const baselines = (paired ? [reference, ...opts.baselines.filter((name) => name !== reference)] : opts.baselines).map(baseline);
  console.log(heading('Ingest: acknowledged messages/s vs raw mysql2 inserts'));
  console.log(await contextLine());
  console.log(`Settings: ${opts.senders} senders (one user each, one message in flight) into ${opts.rooms} GROUP rooms; ${opts.warmup} s warm-up + ${opts.duration} s measured per run; ${rounds} round(s), each running the chat server then the raw single-row reference back to back (the other raw loops in the first round only). `
    + 'Chat server on MariaDB; a message counts when sendMessage answered (after commit). Flood control of the bench app raised to 10,000 messages/s per user per room (updateAppSettings). '
    + 'Raw baselines: mysql2 pool, autocommit INSERTs into the same messages table (durable: innodb_flush_log_at_trx_commit as configured). '
    + 'Statements/message: MariaDB global counters (anything else using this MariaDB counts too).');

  const server = await startChatServer({ tag: 'ingest' });
  const dbPid = databasePid();
  const pool = createPool({ uri: server.database.url, connectionLimit: Math.max(opts.senders, 32), supportBigNumbers: true, bigNumberStrings: true });
  const counters = () => statementCounters(pool);
  const rows = [];
  try {
    const tenant = await createTenant(server);
    const users = await createUsers(server, tenant, opts.senders, 's');
    const roomIds = await inParallel(Array.from({ length: opts.rooms }, (_, r) => r), 8, (r) =>
      createRoom(server, tenant, users.filter((_, i) => i % opts.rooms === r).map((u) => u.id)));
    const roomOf = (lane) => roomIds[lane % opts.rooms];
    let seq = 0;
    // The transport alone: graphql-ws with each operation text parsed and validated once (as
    // ours does), a sendMessage that only publishes in memory.
    const runBare = async () => {
      const bare = await startBareServer('graphql-ws', { inspect: false, env: { BARE_CACHED_DOCUMENTS: '1' } });
      const senders = [];
      try {
        senders.push(...await Promise.all(users.map((u) => graphqlSender(bare.url, null, u.uname))));
        return await closedLoop(opts.senders, async (lane) => {
          await senders[lane].send(roomOf(lane), `${TEXT} #${seq++}`);
          return 1;
        }, { serverPid: bare.pid, dbPid, counters });
      } finally {
        await Promise.all(senders.map((s) => s.close()));
        await bare.stop();
      }
    };
    const runOurs = async (via) => {
      const senders = await Promise.all(users.map((u) => (via === 'http' ? httpSender(server.url, u.token) : graphqlSender(server.url, u.token))));
      const keyed = via === 'ws-keyed';
      try {
        return await closedLoop(opts.senders, async (lane) => {
          const n = seq++;
          await senders[lane].send(roomOf(lane), `${TEXT} #${n}`, keyed ? `k-${lane}-${n}` : null);
          return 1;
        }, { serverPid: server.pid, dbPid, counters, inspectPort: server.inspectPort });
      } finally {
        await Promise.all(senders.map((s) => s.close()));
      }
    };
    // Raw mysql2: the same table, rows shaped like the server's (the tenant's first room and user).
    const insertRow = [tenant.appId, roomIds[0], users[0].id, 'TEXT'];
    const runRaw = ({ lanes, perStatement }) => {
      const values = Array.from({ length: perStatement }, () => '(?, ?, ?, ?, ?, ?)').join(', ');
      return closedLoop(lanes, async () => {
        const params = [];
        const now = new Date();
        for (let i = 0; i < perStatement; i++) params.push(...insertRow, `${TEXT} #raw${seq++}`, now);
        await pool.execute(`INSERT INTO messages (app_id, room_id, author_id, kind, text, created_at) VALUES ${values}`, params);
        return perStatement;
      }, { serverPid: null, dbPid, counters });
    };

    if (!paired) console.log(`(--baselines has no ${reference}, the reference at the senders' concurrency: no ratio, and one round)`);
    const ratios = Object.fromEntries(opts.via.map((via) => [via, []]));
    const firstRound = {};
    for (let round = 1; round <= rounds; round++) {
      const ours = {};
      for (const via of opts.via) {
        ours[via] = await runOurs(via);
        rows.push(row(round, `chat server, sendMessage over ${via === 'http' ? 'HTTP' : 'graphql-ws'}${via === 'ws-keyed' ? ', with clientMsgId' : ''}`, opts.senders, ours[via]));
        process.stderr.write(`  round ${round}, ours via ${via}: ${fmt(ours[via].perS)} messages/s\n`);
      }
      if (round === 1) Object.assign(firstRound, ours);
      if (round === 1 && opts.bare) {
        const bare = firstRound.bare = await runBare();
        rows.push(row(round, 'bare graphql-ws server (bench/bare, documents cached): sendMessage in memory, no database, no auth', opts.senders, bare));
        process.stderr.write(`  round ${round}, bare graphql-ws: ${fmt(bare.perS)} messages/s\n`);
      }
      for (const raw of baselines) {
        if (round > 1 && raw.name !== reference) continue;
        const result = await runRaw(raw);
        rows.push(row(round, `raw mysql2, ${raw.perStatement === 1 ? 'single-row' : `${raw.perStatement}-row`} INSERT`, raw.lanes, result));
        process.stderr.write(`  round ${round}, raw ${raw.name}: ${fmt(result.rowsPerS)} rows/s\n`);
        if (raw.name === reference) for (const via of opts.via) ratios[via].push(ours[via].perS / result.rowsPerS);
      }
    }

    console.log(table(['round', 'writer', 'concurrency', 'messages (rows)/s', 'ack p50 / p99 ms', 'statements/message', 'selects/message', 'fsyncs/message',
      'server CPU %', 'server CPU µs/message', 'db CPU %', 'loadgen CPU %', 'errors'], rows));
    if (ratios[opts.via[0]]?.length) {
      console.log(`\nRatio ours / raw single-row mysql2 at the same concurrency, per round and the median of the ${rounds} rounds:\n`);
      console.log(table(['chat server via', 'per round', 'median'], Object.entries(ratios).map(([via, list]) =>
        [via, list.map((r) => `${r.toFixed(2)}×`).join(', '), ratio(median(list), 1, { atLeast: 1.0 })])));
    }
    if (firstRound.bare) {
      console.log('\nFor context, ours / the bare graphql-ws server in round 1 (the same senders, no database behind it): '
        + opts.via.map((via) => `${via} ${(firstRound[via].perS / firstRound.bare.perS).toFixed(2)}×`).join(', '));
    }
  } finally {
    await pool.end();
    await server.stop();
  }
}

function row(round, label, concurrency, r) {
  const per = (counter) => fmt(r.statements[counter] / r.rowsDone);
  const serverCpuUs = r.cpu.server ? (r.cpu.server.seconds * 1e6) / r.rowsDone : NaN;
  return [round, label, concurrency, fmt(r.rowsPerS), `${ms(r.p50)} / ${ms(r.p99)}`, per('Questions'), per('Com_select'), per('Innodb_data_fsyncs'),
    fmt(r.cpu.server?.percent), Number.isFinite(serverCpuUs) ? fmt(Math.round(serverCpuUs)) : '–', fmt(r.cpu.db?.percent), fmt(r.cpu.loadgen?.percent),
    `${r.errors}${r.firstError ? ` (${r.firstError.slice(0, 60)})` : ''}`];
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

await main();
