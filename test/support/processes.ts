import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const MAIN = `${ROOT}dist/src/main.js`;
export const CLI = `${ROOT}dist/src/cli/cli.js`;

export interface Finished { code: number | null; stdout: string; stderr: string }

/** Runs a built entry point to completion (bounded), with only the given environment. */
export async function run(script: string, args: string[], env: Record<string, string>, timeoutMs = 20_000): Promise<Finished> {
  const child = spawn(process.execPath, [script, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: ROOT });
  const out = collect(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, ...out };
}

function collect(child: ChildProcess) {
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d) => (out.stdout += d));
  child.stderr!.on('data', (d) => (out.stderr += d));
  return out;
}

export interface ServerProcess {
  child: ChildProcess;
  output: () => string;
  /** Where it listens, as printed at start (PORT=0 picks a free port). */
  url: string;
  /** SIGTERM (a clean shutdown), then waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: dies at once, saying goodbye to nobody. */
  kill(): Promise<void>;
}

/** Starts the built server and resolves once it printed that it is ready. */
export async function startProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: ROOT });
  const out = collect(child);
  const output = () => out.stdout + out.stderr;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output()}`)), 20_000);
    // Ready once the whole block is printed: its last line is the generated key when none was given.
    const last = env.CHAT_ADMIN_KEY === undefined ? /\n {2}operator key [^\n]*\n/ : /\n {2}web console [^\n]*\n/;
    const check = () => { if (out.stdout.includes('Chat service ready') && last.test(out.stdout)) { clearTimeout(timer); resolve(); } };
    child.stdout!.on('data', check);
    child.on('exit', () => { clearTimeout(timer); reject(new Error(`server exited:\n${output()}`)); });
  });
  const signal = (name: NodeJS.Signals) => async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(name);
    await exited;
  };
  const port = /http:\/\/localhost:(\d+)\/graphql/.exec(out.stdout)?.[1];
  return { child, output, url: `http://127.0.0.1:${port}`, stop: signal('SIGTERM'), kill: signal('SIGKILL') };
}
