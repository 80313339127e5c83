import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../server/src/app/database.js';
import { TEST_SECRETS_KEY } from './server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsx = createRequire(path.join(root, 'server/package.json')).resolve('tsx');

/** argv to run the server CLI from source: `[node, --import, tsx, main.ts]`. */
export function serverCommand(): string[] {
  process.env.TSX_TSCONFIG_PATH ??= path.join(root, 'server/tsconfig.json');
  return [process.execPath, '--import', tsx, path.join(root, 'server/src/main.ts')];
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** SIGTERM and wait; returns the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `server start` as a separate OS process (from source, via tsx) and waits until it is ready. */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  let log = '';
  const child = spawn(process.execPath, ['--import', tsx, path.join(root, 'server/src/main.ts'), 'start'], {
    cwd: root,
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: path.join(root, 'server/tsconfig.json'),
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      SEED_DEMO: '0',
      LOG_LEVEL: 'warn',
      SECRETS_KEY: TEST_SECRETS_KEY,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server process exited early:\n${log}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      // Not left running after the test that started it has failed.
      child.kill('SIGKILL');
      throw new Error(`server process not ready in 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    output: () => log,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}

const SERVER_MAIN = path.join(root, 'server/dist/main.js');

/** Builds server/dist when it is missing or older than the sources (the compiled CLI is what runs in production). */
export function ensureServerBuilt(): void {
  const newest = (dir: string): number =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .reduce(
        (max, entry) =>
          Math.max(max, entry.isDirectory() ? newest(path.join(dir, entry.name)) : fs.statSync(path.join(dir, entry.name)).mtimeMs),
        0,
      );
  const upToDate = () =>
    (fs.existsSync(SERVER_MAIN) ? fs.statSync(SERVER_MAIN).mtimeMs : 0) >
    Math.max(newest(path.join(root, 'server/src')), newest(path.join(root, 'packages/shared/src')));
  if (upToDate()) return;
  // Test files run in parallel: one builds, the others wait for it.
  const lock = path.join(os.tmpdir(), `ot-server-build-${Buffer.from(root).toString('hex').slice(-32)}.lock`);
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`waited 5 minutes for another server build (${lock})`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    if (upToDate()) return;
    execFileSync('pnpm', ['--filter', '@ot/shared', 'build'], { cwd: root, stdio: 'ignore' });
    execFileSync('pnpm', ['--filter', 'server', 'build'], { cwd: root, stdio: 'ignore' });
  } finally {
    fs.rmdirSync(lock);
  }
}

/** The environment of a compiled CLI process: production, none of the test runner's own settings. */
function compiledEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VITEST|NODE_ENV$|DATABASE_URL$|TEST$)/.test(key)));
  return { ...inherited, NODE_ENV: 'production', SECRETS_KEY: TEST_SECRETS_KEY, ...env };
}

/** Runs a one-shot command of the compiled CLI (`node server/dist/main.js …`), `stdin` piped in; its exit code and output. */
export function runCompiledCli(args: string[], env: Record<string, string>, stdin = ''): Promise<{ code: number | null; output: string }> {
  ensureServerBuilt();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SERVER_MAIN, ...args], {
      cwd: root,
      env: compiledEnv({ LOG_LEVEL: 'warn', ...env }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({ code, output }));
    child.stdin.end(stdin);
  });
}

export interface CompiledProcess {
  child: ChildProcess;
  /** Set for `start`: the HTTP base URL. */
  url: string;
  output: () => string;
  /** Resolves with the exit code and how long the process took to exit after `signal`. */
  signal(signal: NodeJS.Signals, options?: { group?: boolean }): Promise<{ code: number | null; ms: number }>;
  exited: Promise<number | null>;
}

/**
 * Runs the compiled CLI, `node server/dist/main.js <command>`, as its own process group (as a
 * terminal or service manager runs it), with NODE_ENV=production unless `env` says otherwise.
 * `start` is ready when /readyz answers; `worker` when it logs that it runs.
 */
export async function spawnCompiled(command: 'start' | 'worker', env: Record<string, string>): Promise<CompiledProcess> {
  ensureServerBuilt();
  // A PORT given is kept (an identity provider's redirect URI names it); otherwise a free one.
  const port = env.PORT ? Number(env.PORT) : await freePort();
  let log = '';
  const child = spawn(process.execPath, [SERVER_MAIN, command], {
    cwd: root,
    detached: true,
    env: compiledEnv({ HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 150_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${command} exited early:\n${log}`);
    if (
      command === 'worker'
        ? /job worker running/.test(log)
        : await fetch(`${url}/readyz`).then(
            (r) => r.ok,
            () => false,
          )
    )
      break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${command} not ready in 150 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    child,
    url,
    output: () => log,
    exited,
    signal: async (signal, options = {}) => {
      const started = Date.now();
      if (child.exitCode === null && child.signalCode === null) {
        if (options.group) process.kill(-child.pid!, signal);
        else child.kill(signal);
      }
      const code = await exited;
      return { code, ms: Date.now() - started };
    },
  };
}

/** Runs one command of the server's CLI (backup, restore, migrate …) from source; rejects with its output when it fails. */
export function runCli(args: string[], env: Record<string, string>): Promise<void> {
  const [cmd, ...pre] = serverCommand();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd!, [...pre, ...args], { env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(out))));
  });
}
