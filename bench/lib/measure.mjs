// What the benchmarks measure with: a clock shared by processes, a latency histogram, CPU and
// RSS of other processes from /proc, and MariaDB's statement counters.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** Microseconds on CLOCK_MONOTONIC: the same clock in every process of the machine. */
export const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** Latencies in µs, in logarithmic buckets 1% wide: constant memory however many samples. */
export class Histogram {
  static #growth = Math.log(1.01);
  #buckets = new Float64Array(2200); // 1 µs × 1.01^2200 ≈ 3 × 10^9 µs: ample
  count = 0;
  max = 0;
  sum = 0;

  record(us) {
    const value = us < 1 ? 1 : us;
    const index = Math.min(this.#buckets.length - 1, Math.floor(Math.log(value) / Histogram.#growth));
    this.#buckets[index]++;
    this.count++;
    this.sum += value;
    if (value > this.max) this.max = value;
  }

  /** The q-quantile (0..1) in µs, to 1%; NaN without samples. */
  quantile(q) {
    if (this.count === 0) return NaN;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < this.#buckets.length; i++) {
      seen += this.#buckets[i];
      if (seen >= rank) return Math.min(this.max, Math.exp((i + 0.5) * Histogram.#growth));
    }
    return this.max;
  }

  reset() {
    this.#buckets.fill(0);
    this.count = 0;
    this.max = 0;
    this.sum = 0;
  }
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** User + system CPU time of a process so far, in µs (10 ms resolution). */
export function cpuUsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1e6; // utime, stime
}

/** Resident set size of a process, in bytes (VmRSS of /proc/<pid>/status). */
export function rssOf(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

/** The MariaDB/MySQL server's pid when it runs on this machine and we may read it, else null. */
export function databasePid() {
  for (const name of ['mariadbd', 'mysqld']) {
    try {
      const pid = Number(execFileSync('pgrep', ['-o', '-x', name], { encoding: 'utf8' }).trim());
      if (pid) { cpuUsOf(pid); return pid; }
    } catch { /* not this one */ }
  }
  return null;
}

/**
 * CPU seconds spent by each named process between start() and stop(), with wall time:
 * `{ wallS, cpu: { name: { seconds, percent } } }` (percent of one core). A pid of 'self' means this process.
 */
export function cpuMeter(pids) {
  const live = Object.entries(pids).filter(([, pid]) => pid);
  const read = () => Object.fromEntries(live.map(([name, pid]) => [name, pid === 'self' ? selfCpuUs() : safeCpu(pid)]));
  let started = null;
  return {
    start() { started = { at: nowUs(), cpu: read() }; },
    stop() {
      const wallUs = nowUs() - started.at;
      const end = read();
      const cpu = {};
      for (const [name] of live) {
        const us = end[name] - started.cpu[name];
        cpu[name] = { seconds: us / 1e6, percent: (100 * us) / wallUs };
      }
      return { wallS: wallUs / 1e6, cpu };
    },
  };
}

const selfCpuUs = () => { const u = process.cpuUsage(); return u.user + u.system; };
const safeCpu = (pid) => { try { return cpuUsOf(pid); } catch { return NaN; } };

/** Statement counters of the whole MariaDB server (other clients of it count too). */
export async function statementCounters(connection) {
  const [rows] = await connection.query(
    `SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions','Com_select','Com_insert','Com_update','Com_delete','Com_commit','Com_begin','Innodb_data_fsyncs')`);
  return Object.fromEntries(rows.map((r) => [r.Variable_name, Number(r.Value)]));
}

/** The chat server's /metrics page (Prometheus text). */
export async function metricsText(serverUrl) {
  const response = await fetch(`${serverUrl}/metrics`);
  if (!response.ok) throw new Error(`GET ${serverUrl}/metrics answered ${response.status}`);
  return response.text();
}

/**
 * The chat server's garbage-collection totals from its /metrics (prom-client's
 * chat_nodejs_gc_duration_seconds): { minor: { count, seconds }, major: { count, seconds } }.
 * Young-generation collections (scavenges) stop the server for their whole pause, so their count
 * and mean pause explain much of a tail latency.
 */
export async function gcTotals(serverUrl) {
  const text = await metricsText(serverUrl);
  const totals = { minor: { count: 0, seconds: 0 }, major: { count: 0, seconds: 0 } };
  for (const match of text.matchAll(/^chat_nodejs_gc_duration_seconds_(sum|count)\{kind="(minor|major)"\} (\S+)$/gm)) {
    totals[match[2]][match[1] === 'sum' ? 'seconds' : 'count'] += Number(match[3]);
  }
  if (!/^chat_nodejs_gc_duration_seconds_count\{kind="minor"\}/m.test(text)) throw new Error(`${serverUrl}/metrics has no chat_nodejs_gc_duration_seconds{kind="minor"}`);
  return totals;
}

export const counterDelta = (before, after) => Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]));

/** One line about the machine, for the report. */
export function machineLine() {
  const cores = cpus();
  return `${cores.length} × ${cores[0]?.model?.trim() ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform} ${process.arch}`;
}

/** Busy share of all cores (from /proc/stat), in percent of the whole machine, over `ms`. */
export async function machineBusy(ms = 1000) {
  const read = () => {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3] + fields[4]; // idle + iowait
    return { idle, total: fields.reduce((a, b) => a + b, 0) };
  };
  const before = read();
  await sleep(ms);
  const after = read();
  return 100 * (1 - (after.idle - before.idle) / (after.total - before.total));
}

/**
 * Who else uses this machine now: jest processes (another engineer's tests) and how busy the
 * cores are, measured for a second. One line for the report.
 */
export async function othersRunning() {
  let jest = 0;
  try {
    jest = execFileSync('pgrep', ['-f', 'jest'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).length;
  } catch { /* none */ }
  const busy = await machineBusy();
  const noisy = busy > 10;
  return {
    noisy,
    line: `machine ${busy.toFixed(0)}% busy just before the start, ${jest} jest process(es) present`
      + (noisy ? ': something else was running, figures are noisy' : ''),
  };
}

/** The line every report starts with: when, on what, and what else was running. */
export async function contextLine() {
  const others = await othersRunning();
  return `${new Date().toISOString()} · ${machineLine()} · ${others.line}`;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits until the processes together use less than `percent` of a core over half a second (or maxMs passed). */
export async function quiet(pids, percent = 15, maxMs = 30_000) {
  const deadline = Date.now() + maxMs;
  const meter = cpuMeter(Object.fromEntries(pids.map((pid, i) => [i, pid])));
  while (Date.now() < deadline) {
    meter.start();
    await sleep(500);
    if (Object.values(meter.stop().cpu).reduce((sum, c) => sum + c.percent, 0) < percent) return;
  }
}
