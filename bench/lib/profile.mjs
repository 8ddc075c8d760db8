// Optional CPU profile of the chat server during a measured window (BENCH_PROFILE=1): the
// server is started with --inspect on a free port, and the V8 sampling profiler is driven over
// the inspector protocol. The summary names the functions and packages that used the CPU.
import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';

let saved = 0;

export const profilingWanted = () => process.env.BENCH_PROFILE === '1';

/** A session on the inspector of a process started with --inspect=127.0.0.1:<port>: call(method, params), close(). */
async function inspectorSession(inspectPort) {
  const [target] = await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json();
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject); });
  let nextId = 0;
  const pending = new Map();
  socket.on('message', (raw) => {
    const message = JSON.parse(String(raw));
    const waiter = pending.get(message.id);
    if (waiter) { pending.delete(message.id); waiter(message.result); }
  });
  const call = (method, params = {}) => new Promise((resolve) => {
    const id = ++nextId;
    pending.set(id, resolve);
    socket.send(JSON.stringify({ id, method, params }));
  });
  return { call, close: () => socket.close() };
}

/**
 * A full garbage collection in that process (twice: the first may leave what finalizers free),
 * then its V8 heap in use, in bytes: what it keeps, without the garbage it has not collected yet.
 */
export async function heapAfterGc(inspectPort) {
  const { call, close } = await inspectorSession(inspectPort);
  try {
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    const { usedSize } = await call('Runtime.getHeapUsage');
    return usedSize;
  } finally {
    close();
  }
}

/** Starts the V8 sampling profiler in that process; stop() returns the summary text. */
export async function attachProfiler(inspectPort) {
  const { call, close } = await inspectorSession(inspectPort);
  await call('Profiler.enable');
  await call('Profiler.setSamplingInterval', { interval: 500 });
  return {
    start: () => call('Profiler.start'),
    /** Stops and returns the summary text (top functions and packages by self time). */
    async stop(top = 25) {
      const { profile } = await call('Profiler.stop');
      close();
      const file = process.env.BENCH_PROFILE_OUT ? `${process.env.BENCH_PROFILE_OUT}-${++saved}.cpuprofile` : null;
      if (file) writeFileSync(file, JSON.stringify(profile));
      return `${summarize(profile, top)}\n${inclusive(profile, Number(process.env.BENCH_PROFILE_TOP ?? top * 2))}${file ? `\n(saved to ${file})` : ''}`;
    },
  };
}

/** Where a frame's code is, shortened: node_modules/<pkg>/…, dist/…, node:… (empty for native frames). */
const whereOf = (url) => url.replace(/^file:\/\//, '').replace(/^.*?\/node_modules\//, 'node_modules/').replace(/^.*?\/dist\//, 'dist/');

const nameOf = ({ functionName, url, lineNumber }) => {
  const where = whereOf(url);
  return `${functionName || '(anonymous)'} ${where ? `${where}:${lineNumber + 1}` : ''}`.trim();
};

/** The `top` largest counts of a map as lines "  12.3%  name", in shares of `total`. */
const shares = (counts, total, top) => [...counts].sort((a, b) => b[1] - a[1]).slice(0, top)
  .map(([name, hits]) => `  ${((100 * hits) / (total || 1)).toFixed(1).padStart(5)}%  ${name}`).join('\n');

/**
 * Inclusive time per function: the share of busy samples (idle excluded) with that function
 * anywhere on the stack, each function counted once per stack (recursion does not add up).
 */
function inclusive(profile, top) {
  const parentOf = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map();
  let busy = 0;
  for (const node of profile.nodes) {
    if (!node.hitCount || node.callFrame.functionName === '(idle)') continue;
    busy += node.hitCount;
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parentOf.get(id)) {
      const name = nameOf(byId.get(id).callFrame);
      if (name === '(root)' || seen.has(name)) continue;
      seen.add(name);
      totals.set(name, (totals.get(name) ?? 0) + node.hitCount);
    }
  }
  return `Inclusive time (share of the ${busy} busy samples):\n${shares(totals, busy, top)}`;
}

/** Self time per function and per package (node_modules/<name>, node:internal, dist/src, GC…). */
function summarize(profile, top) {
  const total = profile.samples.length || 1;
  const byFunction = new Map();
  const byPackage = new Map();
  for (const node of profile.nodes) {
    if (!node.hitCount) continue;
    const { functionName, url } = node.callFrame;
    const where = whereOf(url);
    const fn = nameOf(node.callFrame);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + node.hitCount);
    const pkg = /^node_modules\/((@[^/]+\/)?[^/]+)/.exec(where)?.[1]
      ?? (where.startsWith('dist/') ? 'dist (the chat server)' : where.startsWith('node:') ? 'node core' : functionName ? `(${functionName})` : '(native)');
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + node.hitCount);
  }
  return `Server CPU profile (self time, ${total} samples):\nBy package:\n${shares(byPackage, total, top)}\nBy function:\n${shares(byFunction, total, top)}`;
}
