#!/usr/bin/env node
// Runs the benchmark set, one benchmark per child process, and prints (or writes) one report.
//
//   npm run bench                                   build, then the full set (about 8 minutes on 2 cores)
//   node bench/run.mjs --quick                      small scale, to see that everything works (about 3 minutes)
//   node bench/run.mjs --only fanout,history        some of them
//   node bench/run.mjs --only uploads               upload throughput and server RSS under large uploads (local store, S3 via s3rver)
//   node bench/run.mjs --only fanout2               fan-out on one instance vs two through Redis (not in the default set)
//   node bench/run.mjs --out bench/RESULTS.md       also write the report as markdown
//   BENCH_DURATION=5 BENCH_N=1000 node bench/run.mjs --only fanout    any bench option as BENCH_<NAME>
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineLine, othersRunning } from './lib/measure.mjs';
import { options } from './lib/report.mjs';
import { ROOT } from './lib/server.mjs';

const BENCHES = ['fanout', 'ingest', 'connections', 'history', 'uploads'];
/**
 * Runs of a bench script with other settings, only when named in --only: `fanout2` is the
 * scale-out comparison (one instance vs two through Redis, N = 1,000), about a minute.
 */
const EXTRAS = { fanout2: { script: 'fanout', env: { BENCH_INSTANCES: '2' } } };

const opts = options({
  only: { type: 'list', default: BENCHES, help: `which benchmarks, of ${BENCHES.join(', ')}, and the extra ${Object.keys(EXTRAS).join(', ')}` },
  quick: { type: 'boolean', default: false, help: 'small scale: N ≤ 1000, 1,000 connections, 100,000 messages, short runs' },
  out: { type: 'string', default: '', help: 'also write the report to this markdown file' },
}, 'Runs the benchmark set (see bench/README.md).');

/** Smaller settings for --quick; explicit BENCH_* variables still win. */
const QUICK = {
  BENCH_N: '100,1000', BENCH_DURATION: '3', BENCH_WARMUP: '1', BENCH_CONNECTIONS: '1000', BENCH_MESSAGES: '100000', BENCH_REQUESTS: '200',
  BENCH_BASELINES: 'single-32',
};

function runBench(name) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    const extra = EXTRAS[name];
    for (const [key, value] of Object.entries(extra?.env ?? {})) env[key] ??= value;
    if (opts.quick) for (const [key, value] of Object.entries(QUICK)) env[key] ??= value;
    const begun = Date.now();
    const child = spawn(process.execPath, [join(ROOT, 'bench', `${extra?.script ?? name}.mjs`)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; process.stdout.write(chunk); });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ name, code, output, seconds: (Date.now() - begun) / 1000 }));
  });
}

/** Which code the figures belong to: the commit, and whether src/ differed from it. */
function codeVersion() {
  try {
    const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--', 'src', 'ormconfig.ts').length > 0;
    return `commit ${git('rev-parse', '--short', 'HEAD')}${dirty ? ' plus uncommitted changes in src/' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

const started = new Date();
const others = await othersRunning();
const command = `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim();
const header = [
  `# Benchmark results`,
  '',
  `- date: ${started.toISOString()}`,
  `- machine: ${machineLine()}`,
  `- server code: ${codeVersion()} (the benches run dist/ as it was built before the run: \`npm run bench\` builds it, \`node bench/run.mjs\` does not)`,
  `- command: \`${command}\`${Object.keys(process.env).filter((k) => k.startsWith('BENCH_')).map((k) => ` ${k}=${process.env[k]}`).join('')}`,
  `- concurrent load: ${others.line}`,
  `- load generator: the process running each bench, on loopback; servers are separate child processes`,
].join('\n');
console.log(header);

const results = [];
for (const name of opts.only) {
  if (!BENCHES.includes(name) && !EXTRAS[name]) throw new Error(`unknown benchmark ${name}; one of ${[...BENCHES, ...Object.keys(EXTRAS)].join(', ')}`);
  process.stderr.write(`\n== ${name} ==\n`);
  const result = await runBench(name);
  results.push(result);
  if (result.code !== 0) process.stderr.write(`${name} failed with exit code ${result.code}\n`);
}

const total = (Date.now() - started.getTime()) / 1000;
const footer = `\n---\nTimes: ${results.map((r) => `${r.name} ${r.seconds.toFixed(0)} s${r.code ? ' (FAILED)' : ''}`).join(', ')}; total ${total.toFixed(0)} s.`;
console.log(footer);
if (opts.out) writeFileSync(opts.out, `${header}\n${results.map((r) => r.output).join('\n')}${footer}\n`);
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
