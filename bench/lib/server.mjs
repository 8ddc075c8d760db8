// Starting and stopping the servers under test, each as its own child process on loopback:
// the real chat server (dist/src/main.js) on a fresh MariaDB database, and the bare servers
// of bench/bare/. The load generator is always the process that calls these functions.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { createWriteStream, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConnection } from 'mysql2/promise';
import { profilingWanted } from './profile.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..', '..');
export const MYSQL_SERVER = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
export const ADMIN_KEY = 'bench-operator-key-0123456789';

/** A free TCP port on loopback (bound and released at once). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** A brand-new, empty MariaDB database; drop() removes it. */
export async function freshDatabase(tag) {
  const name = `chat_bench_${tag}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = await createConnection({ uri: MYSQL_SERVER });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  hookCleanup();
  const database = {
    name,
    url: `${MYSQL_SERVER}/${name}`,
    async drop() {
      databases.delete(database);
      const c = await createConnection({ uri: MYSQL_SERVER });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
  databases.add(database);
  return database;
}

/**
 * Servers and databases made by this process: if it is interrupted (Ctrl-C) or exits before
 * stopping them, the servers are killed and, on a signal, the databases dropped.
 */
const children = new Set();
const databases = new Set();
let hooked = false;
function hookCleanup() {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => { for (const c of children) c.kill('SIGKILL'); });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, async () => {
      for (const c of children) c.kill('SIGKILL');
      const deadline = new Promise((resolve) => setTimeout(resolve, 5000));
      await Promise.race([Promise.allSettled([...databases].map((db) => db.drop())), deadline]);
      process.exit(130);
    });
  }
}
function adopt(child) {
  hookCleanup();
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Keeps the last lines a child printed, to show when it fails. */
function tail(child, limit = 40) {
  const lines = [];
  const keep = (chunk) => {
    for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(line);
    if (lines.length > limit) lines.splice(0, lines.length - limit);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => lines.join('\n');
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. Resolves once it exited. */
function stopChild(child, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  });
}

async function waitReady(url, child, output, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/ready`);
      if (response.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server not ready within ${timeoutMs} ms:\n${output()}`);
}

/** Extra node flags for the chat server, e.g. BENCH_SERVER_NODE_ARGS="--prof" to profile it. */
const serverNodeArgs = () => (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);

/**
 * The chat server, built (`npm run build`), as `node dist/src/main.js` on a fresh database
 * (or on `database` when given, e.g. to restart on the same data). REDIS_URL when `redis` is set;
 * `inspect` opens the inspector on a free port (server.inspectPort), for profiles and heap reads.
 */
export async function startChatServer({ tag = 'run', database = null, redisUrl = null, env = {}, nodeArgs = serverNodeArgs(), inspect = profilingWanted() } = {}) {
  const main = join(ROOT, 'dist', 'src', 'main.js');
  if (!existsSync(main)) throw new Error('dist/src/main.js is missing: run `npm run build` first');
  const db = database ?? (await freshDatabase(tag));
  const port = await freePort();
  const inspectPort = inspect ? await freePort() : null;
  if (inspectPort) nodeArgs = [...nodeArgs, `--inspect=127.0.0.1:${inspectPort}`];
  const childEnv = {
    PATH: process.env.PATH, HOME: process.env.HOME,
    PORT: String(port), DATABASE_URL: db.url, CHAT_ADMIN_KEY: ADMIN_KEY,
    NODE_ENV: 'production', LOG_LEVEL: process.env.BENCH_SERVER_LOG_LEVEL ?? 'warn',
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}), ...env,
  };
  const child = adopt(spawn(process.execPath, [...nodeArgs, main], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] }));
  const output = tail(child);
  if (process.env.BENCH_SERVER_OUTPUT) { // everything the server prints, e.g. with BENCH_SERVER_NODE_ARGS=--trace-gc
    // Appended, so the servers of one run (fanout2, connections) all stay; closed when the process ends.
    const file = createWriteStream(process.env.BENCH_SERVER_OUTPUT, { flags: 'a' });
    child.stdout.pipe(file, { end: false });
    child.stderr.pipe(file, { end: false });
    child.once('exit', () => file.end());
  }
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url, child, output);
  } catch (error) {
    await stopChild(child);
    if (!database) await db.drop();
    throw error;
  }
  return {
    kind: 'ours', url, pid: child.pid, database: db, adminKey: ADMIN_KEY, output, inspectPort,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    /** Stops the process; drops the database unless keepDatabase. */
    async stop({ keepDatabase = false } = {}) {
      await stopChild(child);
      if (!keepDatabase && !database) await db.drop();
    },
  };
}

/** One of the bare servers of bench/bare/ ('socketio', 'graphql-ws' or 'http'); it prints "listening <port>". */
export async function startBareServer(which, { inspect = profilingWanted(), env = {} } = {}) {
  const script = join(ROOT, 'bench', 'bare', `${which}-server.mjs`);
  const port = await freePort();
  const inspectPort = inspect ? await freePort() : null;
  const args = inspectPort ? [`--inspect=127.0.0.1:${inspectPort}`, script] : [script];
  const child = adopt(spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] }));
  const output = tail(child);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bare ${which} server did not start:\n${output()}`)), 15_000);
    child.stdout.on('data', (chunk) => { if (String(chunk).includes('listening')) { clearTimeout(timer); resolve(); } });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`bare ${which} server exited with ${code}:\n${output()}`)); });
  });
  return {
    kind: `bare-${which}`, url: `http://127.0.0.1:${port}`, pid: child.pid, output, inspectPort,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    stop: () => stopChild(child),
  };
}

/**
 * A real S3 endpoint on loopback: s3rver (the tests' S3 too) as a child process keeping its
 * objects under `directory`, with `bucket` created at start. Its keys are s3rver's fixed ones.
 */
export async function startS3Server({ directory, bucket = 'bench-media' }) {
  const port = await freePort();
  const script = join(ROOT, 'node_modules', 's3rver', 'bin', 's3rver.js');
  const args = [script, '-d', directory, '-a', '127.0.0.1', '-p', String(port), '--silent', '--configure-bucket', bucket];
  const child = adopt(spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'pipe'] }));
  const output = tail(child);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`s3rver did not start:\n${output()}`)), 15_000);
    child.stdout.on('data', (chunk) => { if (String(chunk).includes('listening')) { clearTimeout(timer); resolve(); } });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`s3rver exited with ${code}:\n${output()}`)); });
  });
  return {
    kind: 's3rver', endpoint: `http://127.0.0.1:${port}`, bucket, pid: child.pid, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER',
    stop: () => stopChild(child),
  };
}
