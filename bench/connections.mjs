#!/usr/bin/env node
// Connections: the server's resident memory per idle connection, for each transport, at 5,000
// connections: a legacy socket through `auth` (in the lobby) or a graphql-ws connection with one
// messageAdded subscription. Each transport gets a freshly started server; RSS is read from
// /proc/<pid>/status before and after the connections open, each time after a full garbage
// collection in the server (through its inspector), so uncollected garbage does not count as
// what a connection keeps; the V8 heap in use is read then too.
//
//   node bench/connections.mjs [--connections 5000] [--targets legacy,graphql,bare-socketio,bare-graphql-ws]
import { createTenant, createUsers, inParallel } from './lib/api.mjs';
import { graphqlSubscriber, legacySocket } from './lib/clients.mjs';
import { contextLine, cpuMeter, quiet, rssOf, sleep } from './lib/measure.mjs';
import { heapAfterGc } from './lib/profile.mjs';
import { fmt, heading, options, ratio, table } from './lib/report.mjs';
import { freshDatabase, startBareServer, startChatServer } from './lib/server.mjs';

const opts = options({
  connections: { type: 'number', default: 5000, help: 'idle connections per transport' },
  targets: { type: 'list', default: ['legacy', 'graphql', 'bare-socketio', 'bare-graphql-ws'], help: 'servers and transports to measure' },
  settle: { type: 'number', default: 3, help: 'seconds to wait before reading RSS' },
  'legacy-users': { type: 'number', default: 100, help: 'distinct users the legacy sockets sign in as (socket i: user i mod this); 0: one per socket' },
}, 'Connections benchmark: server RSS per idle connection.');

const TARGETS = {
  legacy: { server: 'ours', transport: 'legacy', label: 'ours, legacy socket (authed, in the lobby)' },
  graphql: { server: 'ours', transport: 'graphql', label: 'ours, graphql-ws + messageAdded' },
  'bare-socketio': { server: 'socketio', transport: 'legacy', label: 'bare Socket.IO (joined a room)' },
  'bare-graphql-ws': { server: 'graphql-ws', transport: 'graphql', label: 'bare graphql-ws + messageAdded' },
};

/** After a full GC: the V8 heap in use, and RSS averaged over a few reads once the server has been idle for a moment. */
async function steadyMemory(server) {
  await sleep(opts.settle * 1000);
  const heap = await heapAfterGc(server.inspectPort);
  const reads = [];
  for (let i = 0; i < 5; i++) { reads.push(rssOf(server.pid)); await sleep(200); }
  return { rss: reads.reduce((a, b) => a + b, 0) / reads.length, heap };
}

async function measure(targetName, shared) {
  const target = TARGETS[targetName];
  const ours = target.server === 'ours';
  const server = ours ? await startChatServer({ database: shared.database, inspect: true }) : await startBareServer(target.server, { inspect: true });
  const tenant = shared.tenant;
  const open = async (i) => {
    const legacyUsers = opts['legacy-users'] || opts.connections;
    const user = !ours ? { uname: `b${i}`, token: null, hashedToken: null }
      : shared.users[target.transport === 'legacy' ? i % legacyUsers : i];
    return target.transport === 'legacy'
      ? legacySocket(server.url, { appId: ours ? tenant.appId : 1, hashedToken: user.hashedToken, uname: user.uname })
      : graphqlSubscriber(server.url, user.token, ours ? tenant.lobbyId : '1', () => undefined, user.uname);
  };
  const connections = [];
  try {
    // Warm every code path once, so lazily loaded code does not count as per-connection memory.
    const warm = await inParallel(Array.from({ length: 50 }, (_, i) => i), 16, open);
    await Promise.all(warm.map((c) => c.close()));
    await quiet([server.pid], 10, 120_000); // connection storms settled
    const before = await steadyMemory(server);
    const started = Date.now();
    const meter = cpuMeter({ server: server.pid });
    meter.start();
    await inParallel(Array.from({ length: opts.connections }, (_, i) => i), 64, async (i) => { connections[i] = await open(i); });
    const openS = (Date.now() - started) / 1000;
    await quiet([server.pid], 10, 120_000); // connection storms settled
    const cpuS = meter.stop().cpu.server.seconds;
    const after = await steadyMemory(server);
    const dropped = connections.filter((c) => c.dropped()).length;
    const result = {
      target: targetName, beforeMiB: before.rss / 2 ** 20, afterMiB: after.rss / 2 ** 20, perConnectionKiB: (after.rss - before.rss) / opts.connections / 1024,
      heapPerConnectionKiB: (after.heap - before.heap) / opts.connections / 1024,
      openS, cpuMsPerConnection: (cpuS * 1000) / opts.connections, dropped,
    };
    process.stderr.write(`  ${targetName}: ${fmt(result.perConnectionKiB)} KiB per connection (opened in ${fmt(openS)} s)\n`);
    return result;
  } finally {
    await Promise.all(connections.map((c) => c?.close()));
    await server.stop();
  }
}

async function main() {
  console.log(heading(`Connections: server RSS per idle connection at ${fmt(opts.connections)}`));
  console.log(await contextLine());
  console.log(`Settings: each transport on a freshly started server (chat server on MariaDB); every graphql-ws connection is its own user, `
    + (opts['legacy-users'] ? `legacy sockets sign in as ${opts['legacy-users']} distinct users (socket i as user i mod ${opts['legacy-users']}; see the note on presence); ` : 'every legacy socket is its own user; ')
    + `50 connections opened and closed first to warm up; `
    + `RSS (VmRSS) averaged over 1 s after the server went idle and a full garbage collection (through its inspector; the bare servers likewise), before and after opening ${fmt(opts.connections)} connections (64 opening at a time); `
    + 'the V8 heap in use after that collection as well.');

  const shared = { database: null, tenant: null, users: [] };
  const results = [];
  try {
    if (opts.targets.some((t) => TARGETS[t].server === 'ours')) {
      // One database for both chat-server runs: users and tokens made once, each run on a fresh process.
      shared.database = await freshDatabase('connections');
      const setup = await startChatServer({ database: shared.database });
      try {
        shared.tenant = await createTenant(setup);
        shared.users = await createUsers(setup, shared.tenant, opts.connections, 'c');
      } finally {
        await setup.stop();
      }
    }
    for (const target of opts.targets) results.push(await measure(target, shared));
  } finally {
    await shared.database?.drop();
  }

  console.log(table(['server, connection', 'RSS before MiB', `RSS with ${fmt(opts.connections)} MiB`, 'KiB per connection', 'V8 heap KiB per connection', 'time to open s', 'server CPU ms per connection', 'dropped'],
    results.map((r) => [TARGETS[r.target].label, fmt(r.beforeMiB), fmt(r.afterMiB), fmt(r.perConnectionKiB), fmt(r.heapPerConnectionKiB), fmt(r.openS), fmt(r.cpuMsPerConnection), r.dropped])));
  const get = (t) => results.find((r) => r.target === t);
  const pairs = [['legacy', 'bare-socketio'], ['graphql', 'bare-graphql-ws']].filter(([a, b]) => get(a) && get(b));
  if (pairs.length) {
    console.log('\nRatio ours / bare, memory per idle connection:\n');
    console.log(table(['transport', 'ratio'], pairs.map(([a, b]) => [TARGETS[a].transport, ratio(get(a).perConnectionKiB, get(b).perConnectionKiB, { atMost: 1.5 })])));
  }
}

await main();
