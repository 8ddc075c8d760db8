#!/usr/bin/env node
// Webhooks: message ingest with 3 endpoints subscribed to message.created vs without (the ratio,
// target ≥ 0.9×), and delivery lag (sent → the receiver has it) at an offered 1,000 messages/s.
// The receivers are local node:http servers answering 204 in this process.
//
//   node bench/webhooks.mjs [--senders 32] [--duration 5] [--rounds 3] [--rate 1000]
import { createServer } from 'node:http';
import { asApp, createTenant, createUsers, gql } from './lib/api.mjs';
import { graphqlSender } from './lib/clients.mjs';
import { Histogram, nowUs, sleep } from './lib/measure.mjs';
import { fmt, heading, ms, options, ratio, table } from './lib/report.mjs';
import { startChatServer } from './lib/server.mjs';

const opts = options({
  senders: { type: 'number', default: 32, help: 'concurrent senders (one message in flight each), into the lobby' },
  duration: { type: 'number', default: 5, help: 'measured seconds per ingest run' },
  warmup: { type: 'number', default: 1, help: 'unmeasured seconds before each run' },
  rounds: { type: 'number', default: 3, help: 'rounds of (without, with) back to back; the ratio is their median' },
  rate: { type: 'number', default: 1000, help: 'messages/s offered in the lag run' },
  lagSeconds: { type: 'number', default: 5, help: 'seconds of the lag run' },
}, 'Webhooks benchmark: ingest with and without 3 endpoints, and delivery lag.');

/** A receiver answering 204 at once; onBody sees each body. */
async function receiver(onBody) {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => { onBody(Buffer.concat(chunks).toString('utf8')); res.writeHead(204).end(); });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/hook`, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function addHook(server, tenant, url) {
  await gql(server.url, `mutation($u: String!) { createWebhook(input: { url: $u, events: ["message.created"] }) { webhook { id } } }`, { u: url }, asApp(tenant));
}

async function senders(server, tenant, count) {
  const users = await createUsers(server, tenant, count);
  return Promise.all(users.map((u) => graphqlSender(server.url, u.token, u.uname)));
}

/** Messages/s acknowledged over `duration` seconds by closed-loop senders. */
async function ingest(lanes, roomId) {
  let running = true, measuring = false, done = 0, errors = 0;
  const loops = lanes.map(async (lane) => {
    while (running) {
      try {
        await lane.send(roomId, 'bench webhooks message, about as long as a chat line');
        if (measuring) done++;
      } catch { errors++; await sleep(10); }
    }
  });
  await sleep(opts.warmup * 1000);
  measuring = true;
  await sleep(opts.duration * 1000);
  measuring = false;
  running = false;
  await Promise.all(loops);
  return { rate: done / opts.duration, errors };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await startChatServer({ tag: 'webhooks' });
let delivered = 0;
const hooks = await Promise.all([0, 1, 2].map(() => receiver(() => { delivered++; })));
try {
  const plain = await createTenant(server, { name: 'bench-plain' });
  const hooked = await createTenant(server, { name: 'bench-hooked' });
  for (const hook of hooks) await addHook(server, hooked, hook.url);
  const plainLanes = await senders(server, plain, opts.senders);
  const hookedLanes = await senders(server, hooked, opts.senders);
  const rows = [];
  const ratios = [];
  for (let round = 1; round <= opts.rounds; round++) {
    const without = await ingest(plainLanes, plain.lobbyId);
    const withHooks = await ingest(hookedLanes, hooked.lobbyId);
    ratios.push(withHooks.rate / without.rate);
    rows.push([round, fmt(without.rate, 0), fmt(withHooks.rate, 0), (withHooks.rate / without.rate).toFixed(2), without.errors + withHooks.errors]);
  }
  console.log(heading(`Ingest, ${opts.senders} senders, ${opts.duration} s per run`));
  console.log(table(['round', 'msg/s without webhooks', 'msg/s with 3 endpoints', 'ratio', 'errors'], rows));
  console.log(`median ratio: ${ratio(median(ratios), 1, 0.9)}`);
  await sleep(2000);
  console.log(`deliveries received so far: ${delivered}`);
  for (const lane of [...plainLanes, ...hookedLanes]) lane.close?.();

  // Lag: one endpoint, messages offered at --rate; lag = received − sent, keyed by the message text.
  const lagTenant = await createTenant(server, { name: 'bench-lag' });
  const sentAt = new Map();
  const lag = new Histogram();
  const lagHook = await receiver((raw) => {
    const text = JSON.parse(raw).data.message.text;
    const at = sentAt.get(text);
    if (at !== undefined) lag.record(nowUs() - at);
  });
  await addHook(server, lagTenant, lagHook.url);
  const lagLanes = await senders(server, lagTenant, opts.senders);
  const total = opts.rate * opts.lagSeconds;
  const started = nowUs();
  let failed = 0;
  const sends = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1e6) / opts.rate;
    const wait = due - nowUs();
    if (wait > 1000) await sleep(wait / 1000);
    const text = `lag ${i}`;
    sentAt.set(text, nowUs());
    sends.push(lagLanes[i % lagLanes.length].send(lagTenant.lobbyId, text).catch(() => { failed++; }));
  }
  await Promise.all(sends);
  const offeredFor = (nowUs() - started) / 1e6;
  const deadline = Date.now() + 30_000;
  while (lag.count < total - failed && Date.now() < deadline) await sleep(50);
  console.log(heading(`Delivery lag at ${opts.rate} msg/s offered (${total} messages, sent in ${offeredFor.toFixed(1)} s)`));
  console.log(table(['delivered', 'send errors', 'p50 ms', 'p99 ms', 'max ms'],
    [[lag.count, failed, ms(lag.quantile(0.5)), ms(lag.quantile(0.99)), ms(lag.quantile(1))]]));
  for (const lane of lagLanes) lane.close?.();
  await lagHook.close();
} finally {
  for (const hook of hooks) await hook.close();
  await server.stop?.();
}
