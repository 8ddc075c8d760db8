#!/usr/bin/env node
// Uploads: throughput of 20 concurrent 10 MiB uploads to POST /media, and the server's RSS while
// 10 clients upload 50 MiB each (streaming, not buffering: its growth must stay under 64 MiB).
// The chat server runs on the local store (a temporary directory) and on S3 (s3rver on loopback);
// the bare baseline is node:http + busboy streaming the part to a file (bench/bare/upload-server.mjs).
//
//   node bench/uploads.mjs [--targets local,s3,bare] [--concurrency 20] [--size 10] [--rss-clients 10] [--rss-size 50]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asApp, asUser, createTenant, createUsers, gql } from './lib/api.mjs';
import { contextLine, cpuUsOf, Histogram, nowUs, quiet, rssOf, sleep } from './lib/measure.mjs';
import { fmt, heading, options, ratio, table } from './lib/report.mjs';
import { startBareServer, startChatServer, startS3Server } from './lib/server.mjs';

const TARGETS = ['local', 's3', 'bare'];
const opts = options({
  targets: { type: 'list', default: TARGETS, help: `which servers: ${TARGETS.join(', ')} (local and s3: the chat server on that store)` },
  concurrency: { type: 'number', default: 20, help: 'uploads in flight in the throughput run' },
  size: { type: 'number', default: 10, help: 'MiB per upload in the throughput run' },
  rounds: { type: 'number', default: 3, help: 'throughput rounds (each uploads `concurrency` files at once)' },
  'rss-clients': { type: 'number', default: 10, help: 'concurrent uploads in the RSS run' },
  'rss-size': { type: 'number', default: 50, help: 'MiB per upload in the RSS run' },
  'rss-target': { type: 'number', default: 64, help: 'MiB the server RSS may grow by in the RSS run' },
  'max-seconds': { type: 'number', default: 600, help: 'the whole bench gives up (exit 1) after this long' },
}, 'Uploads benchmark: concurrent upload throughput and the server RSS under large uploads.');

const MiB = 1024 * 1024;
/** Per-upload deadline: an upload still running after it fails the bench instead of hanging it. */
const UPLOAD_TIMEOUT_MS = 120_000;
/** How often the RSS run reads the server's VmRSS. */
const SAMPLE_MS = 20;

const deadline = setTimeout(() => {
  process.stderr.write(`uploads bench: still running after ${opts['max-seconds']} s; giving up\n`);
  process.exit(1);
}, opts['max-seconds'] * 1000);
deadline.unref();

/** The bytes every upload repeats: random (nothing to sniff, nothing to compress) after a fixed prefix. */
const CHUNK = randomBytes(256 * 1024);
CHUNK.write('open-chat-service upload bench\n', 0);

/**
 * POSTs one multipart body with a `file` part of `bytes` bytes, streamed from CHUNK with
 * backpressure (the client holds no file either). Resolves to { status, body, us } once the
 * answer is read; stops writing as soon as an answer comes (an early 413 or 400).
 */
function upload(url, { bytes, name, headers }) {
  const { hostname, port } = new URL(url);
  const boundary = `----bench${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${name}"\r\ncontent-type: application/octet-stream\r\n\r\n`);
  const end = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const started = nowUs();
    let answered = false;
    const req = request({
      hostname, port, method: 'POST', path: '/media', agent: false, timeout: UPLOAD_TIMEOUT_MS,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + bytes + end.length, ...headers },
    });
    req.on('timeout', () => req.destroy(new Error(`upload ${name} timed out after ${UPLOAD_TIMEOUT_MS} ms`)));
    req.on('error', (error) => { if (!answered) reject(error); });
    req.on('response', (res) => {
      answered = true;
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body = null;
        try { body = JSON.parse(text); } catch { body = text; }
        resolve({ status: res.statusCode, body, us: nowUs() - started });
      });
    });
    (async () => {
      req.write(head);
      let left = bytes;
      while (left > 0 && !answered && !req.destroyed) {
        const chunk = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
        left -= chunk.length;
        if (!req.write(chunk)) await drained(req);
      }
      if (!answered && !req.destroyed) req.end(end);
    })().catch(reject);
  });
}

/** Resolves when a request may be written again, or is gone. */
function drained(req) {
  return new Promise((resolve) => {
    const done = () => { req.off('drain', done); req.off('close', done); resolve(); };
    req.on('drain', done);
    req.on('close', done);
  });
}

/** `count` uploads at once of `mib` MiB each, client i as uploader i; throws unless every one answered 201 with the right size. */
async function uploadAll(target, uploaders, count, mib, label) {
  const bytes = mib * MiB;
  const latency = new Histogram();
  const cpu0 = cpuUsOf(target.pid);
  const storeCpu0 = target.storePid ? cpuUsOf(target.storePid) : 0;
  const start = nowUs();
  await Promise.all(Array.from({ length: count }, async (_, i) => {
    const answer = await upload(target.url, { bytes, name: `${label}-${i}.bin`, headers: uploaders[i % uploaders.length] });
    if (answer.status !== 201 || answer.body?.size !== bytes) {
      throw new Error(`${target.kind}: upload ${i} answered ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
    }
    latency.record(answer.us);
  }));
  const wallS = (nowUs() - start) / 1e6;
  const storeCpuS = target.storePid ? (cpuUsOf(target.storePid) - storeCpu0) / 1e6 : 0;
  return { wallS, latency, mib: count * mib, count, cpuS: (cpuUsOf(target.pid) - cpu0) / 1e6, storeCpuS };
}

/** Resets the kernel's peak-RSS mark of a process of ours (VmHWM); false when not allowed. */
function resetPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
const peakRssOf = (pid) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;

/**
 * The RSS run: baseline (the server idle after warm-up uploads, lowest of a few readings), then
 * `rss-clients` uploads of `rss-size` MiB at once while VmRSS is read every SAMPLE_MS; the peak
 * is the highest reading, or the kernel's VmHWM mark when it could be reset at the baseline.
 */
async function rssRun(target, uploaders) {
  await quiet([target.pid]);
  let baseline = Infinity;
  for (let i = 0; i < 5; i++) { baseline = Math.min(baseline, rssOf(target.pid)); await sleep(100); }
  const hwm = resetPeakRss(target.pid);
  let sampled = 0;
  const timer = setInterval(() => { sampled = Math.max(sampled, rssOf(target.pid)); }, SAMPLE_MS);
  let run;
  try {
    run = await uploadAll(target, uploaders, opts['rss-clients'], opts['rss-size'], 'rss');
  } finally {
    clearInterval(timer);
  }
  sampled = Math.max(sampled, rssOf(target.pid));
  const peak = hwm ? Math.max(sampled, peakRssOf(target.pid)) : sampled;
  return { ...run, baseline, peak, growth: peak - baseline, source: hwm ? 'VmHWM' : `VmRSS every ${SAMPLE_MS} ms` };
}

/** A chat server on the given store, a tenant whose upload limit fits the RSS run, and one user per client. */
async function chatTarget(store, dirs) {
  const dataDir = mkdtempSync(join(tmpdir(), `bench-media-${store}-`));
  dirs.push(dataDir);
  let s3 = null;
  const env = { MEDIA_STORE: store, MEDIA_UPLOADS_PER_MINUTE: '100000', MEDIA_LOCAL_DIR: join(dataDir, 'media') };
  if (store === 's3') {
    const s3Dir = mkdtempSync(join(tmpdir(), 'bench-s3rver-'));
    dirs.push(s3Dir);
    s3 = await startS3Server({ directory: s3Dir });
    Object.assign(env, {
      MEDIA_S3_BUCKET: s3.bucket, MEDIA_S3_ENDPOINT: s3.endpoint, MEDIA_S3_REGION: 'us-east-1', MEDIA_S3_FORCE_PATH_STYLE: 'true',
      MEDIA_S3_ACCESS_KEY_ID: s3.accessKeyId, MEDIA_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    });
  }
  const server = await startChatServer({ tag: `uploads_${store}`, env });
  const tenant = await createTenant(server);
  const limit = Math.max(opts.size, opts['rss-size']) * MiB + MiB;
  await gql(server.url, 'mutation($b: Int!) { updateAppSettings(input: { maxUploadBytes: $b }) { maxUploadBytes } }', { b: limit }, asApp(tenant));
  const users = await createUsers(server, tenant, Math.max(opts.concurrency, opts['rss-clients']), 'up');
  return {
    kind: `chat server, ${store} store`, url: server.url, pid: server.pid, storePid: s3?.pid ?? null,
    uploaders: users.map((u) => asUser(u.token)),
    note: store === 's3' ? 's3rver on loopback' : 'files under a temporary directory',
    async stop() { await server.stop(); await s3?.stop(); },
  };
}

async function bareTarget(dirs) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-bare-upload-'));
  dirs.push(dir);
  const server = await startBareServer('upload', { env: { BARE_UPLOAD_DIR: dir } });
  return { kind: 'bare: node:http + busboy → file', url: server.url, pid: server.pid, uploaders: [{}], note: 'nothing but the part streamed to a file', stop: () => server.stop() };
}

const mibS = (run) => run.mib / run.wallS;
const seconds = (us) => (Number.isNaN(us) ? '–' : (us / 1e6).toFixed(2));
const mibOf = (bytes) => fmt(bytes / MiB, 1);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  console.log(heading(`Uploads: ${opts.concurrency} concurrent uploads of ${opts.size} MiB; server RSS under ${opts['rss-clients']} uploads of ${opts['rss-size']} MiB`));
  console.log(await contextLine());
  console.log(`Settings: POST /media with one \`file\` part of random bytes (application/octet-stream), streamed by node:http with backpressure, `
    + `one connection per upload, a user's Bearer token each (${opts.concurrency} users). Throughput: ${opts.rounds} rounds of ${opts.concurrency} uploads at once, `
    + `each timed from the first byte sent to the 201 read; the server must answer 201 with the full size. RSS: a fresh server, two warm-up uploads, `
    + `baseline = lowest VmRSS of 5 readings while idle, then ${opts['rss-clients']} uploads of ${opts['rss-size']} MiB at once; peak = the kernel's VmHWM `
    + `(reset at the baseline through /proc/<pid>/clear_refs) or, failing that, the highest VmRSS read every ${SAMPLE_MS} ms. MiB = 2^20 bytes.`);

  const throughput = [];
  const memory = [];
  const dirs = [];
  let bareMibS = null;
  try {
    for (const name of opts.targets) {
      if (!TARGETS.includes(name)) throw new Error(`unknown target ${name}; one of ${TARGETS.join(', ')}`);
      process.stderr.write(`  ${name}: starting\n`);
      const target = name === 'bare' ? await bareTarget(dirs) : await chatTarget(name, dirs);
      try {
        await uploadAll(target, target.uploaders, 2, 1, 'warmup');
        const rss = await rssRun(target, target.uploaders);
        process.stderr.write(`  ${name}: RSS ${mibOf(rss.baseline)} → ${mibOf(rss.peak)} MiB (+${mibOf(rss.growth)}) during ${fmt(rss.mib)} MiB in ${fmt(rss.wallS)} s\n`);
        memory.push([target.kind, mibOf(rss.baseline), mibOf(rss.peak), mibOf(rss.growth), rss.source, fmt(mibS(rss), 1), seconds(rss.latency.quantile(0.5)), seconds(rss.latency.max),
          name === 'bare' ? '–' : rss.growth < opts['rss-target'] * MiB ? 'met' : 'NOT met']);
        const rounds = [];
        for (let r = 0; r < opts.rounds; r++) {
          await quiet([target.pid]);
          rounds.push(await uploadAll(target, target.uploaders, opts.concurrency, opts.size, `round${r}`));
          process.stderr.write(`  ${name}: round ${r + 1}: ${fmt(mibS(rounds[r]), 1)} MiB/s\n`);
        }
        const all = rounds.reduce((sum, run) => ({ mib: sum.mib + run.mib, count: sum.count + run.count, wallS: sum.wallS + run.wallS, cpuS: sum.cpuS + run.cpuS, storeCpuS: sum.storeCpuS + run.storeCpuS }),
          { mib: 0, count: 0, wallS: 0, cpuS: 0, storeCpuS: 0 });
        const p = (q) => median(rounds.map((run) => run.latency.quantile(q)));
        const medianMibS = median(rounds.map(mibS));
        if (name === 'bare') bareMibS = medianMibS;
        throughput.push({ name, medianMibS, row: [target.kind, rounds.map((run) => fmt(mibS(run), 1)).join(' / '), fmt(all.count / all.wallS, 2), seconds(p(0.5)), seconds(p(0.99)),
          fmt((all.cpuS / all.mib) * 1000, 1), target.storePid ? `${target.note} (its CPU: ${fmt((all.storeCpuS / all.mib) * 1000, 1)} ms per MiB, ${fmt((100 * all.storeCpuS) / all.wallS)}% of a core)` : target.note] });
      } finally {
        await target.stop();
      }
    }
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }

  console.log(`\nThroughput (${opts.rounds} rounds of ${opts.concurrency} × ${opts.size} MiB at once; p50/p99: median over the rounds):\n`);
  console.log(table(['server', 'MiB/s per round', 'uploads/s', 'p50 s', 'p99 s', 'server CPU ms per MiB', 'notes', 'ours / bare (median MiB/s)'],
    throughput.map(({ name, medianMibS, row }) => [...row, name === 'bare' ? '–' : ratio(medianMibS, bareMibS)])));
  console.log(`\nServer RSS while ${opts['rss-clients']} clients upload ${opts['rss-size']} MiB each (target: growth < ${opts['rss-target']} MiB):\n`);
  console.log(table(['server', 'baseline MiB', 'peak MiB', 'growth MiB', 'peak from', 'MiB/s', 'p50 s', 'max s', `growth < ${opts['rss-target']} MiB`], memory));
}

await main();
