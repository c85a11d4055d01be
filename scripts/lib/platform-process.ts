import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** A built entry point (`npm run build`); commands run from the repository root. */
export const entryOf = (app: string) => resolve(`dist/apps/${app}/src/main.js`);

export interface RunningPlatform {
  url: string;
  adminToken: string;
  dataDir: string;
  pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  logs(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Stops it (SIGTERM by default, SIGKILL for a crash) and starts it again on the same data. */
  restart(signal?: NodeJS.Signals): Promise<RunningPlatform>;
}

export interface RunningProcess {
  name: string;
  url: string;
  pid: number;
  logs(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Stops it (SIGKILL: a crash) and starts the same app again on the same port. */
  restart(signal?: NodeJS.Signals): Promise<RunningProcess>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** Starts a built app as a real process on a free port and waits until its /health/ready answers 200. */
export async function startProcess(options: {
  name: string;
  app: string;
  env: Record<string, string>;
  keepLogs?: boolean;
  nodeArgs?: string[];
  readyWithinMs?: number;
  /** Listen here instead of on a free port. */
  fixedPort?: number;
}): Promise<RunningProcess> {
  const port = options.fixedPort ?? (await freePort());
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), entryOf(options.app)], {
    env: { ...process.env, LOG_LEVEL: 'info', ...options.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = options.keepLogs ?? true;
  child.stdout!.on('data', (chunk: Buffer) => keep && (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // PROCESS_LOG_DIR: every process's output also goes to <dir>/<name>.<pid>.log, for post-mortems.
  if (process.env.PROCESS_LOG_DIR) {
    mkdirSync(process.env.PROCESS_LOG_DIR, { recursive: true });
    const file = createWriteStream(join(process.env.PROCESS_LOG_DIR, `${options.name.replace(/[^\w.-]/g, '_')}.${child.pid}.log`));
    child.stdout!.pipe(file);
    child.stderr!.pipe(file);
  }
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  // Never leave a process running behind a crashed driver.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  const url = `http://127.0.0.1:${port}`;

  const limit = options.readyWithinMs ?? 30_000;
  const deadline = Date.now() + limit;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.name} exited during start:\n${output}`);
    const ready = await fetch(`${url}/health/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} not ready after ${limit / 1000} s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const running: RunningProcess = {
    name: options.name,
    url,
    pid: child.pid!,
    logs: () => output,
    restart: async (signal) => {
      await running.stop(signal);
      return startProcess({ ...options, fixedPort: port });
    },
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      // A process that ignores SIGTERM must not hang its caller: kill it, and say so.
      let timer: NodeJS.Timeout | undefined;
      const hung = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((resolveHung) => (timer = setTimeout(() => resolveHung(true), STOP_WITHIN_MS))),
      ]);
      clearTimeout(timer);
      if (!hung) return;
      child.kill('SIGKILL');
      await exited;
      throw new Error(`${options.name} (pid ${child.pid}) did not stop within ${STOP_WITHIN_MS / 1000} s of ${signal}; killed`);
    },
  };
  return running;
}

const STOP_WITHIN_MS = 20_000;

/**
 * The node flags `npm start` runs the embedded platform with (package.json's `start` says the same;
 * test/e2e/operations.spec.ts checks they agree), so tests, demo and bench run what operators run.
 * Single-threaded GC: the platform's two JavaScript threads already keep a 2-core host busy, and
 * V8's parallel GC helpers only compete with them for the cores (README, Benchmark).
 */
export const EMBEDDED_NODE_ARGS: readonly string[] = ['--single-threaded-gc'];

/** Starts the built embedded platform (`npm run build` first) as a real process and waits until it is ready. */
export async function startPlatform(
  options: { dataDir?: string; env?: Record<string, string>; keepLogs?: boolean; nodeArgs?: string[]; port?: number } = {},
): Promise<RunningPlatform> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'ventana-e2e-'));
  const adminToken = options.env?.ADMIN_TOKEN ?? 'test-operator-token';
  const running = await startProcess({
    name: 'platform',
    app: 'ventana',
    env: { DATA_DIR: dataDir, ADMIN_TOKEN: adminToken, CLOCK: 'test', ...options.env },
    keepLogs: options.keepLogs,
    nodeArgs: [...EMBEDDED_NODE_ARGS, ...(options.nodeArgs ?? [])],
    fixedPort: options.port,
  });
  return {
    ...running,
    adminToken,
    dataDir,
    // Same data, same port: clients keep their base URL across a restart.
    restart: async (signal) => {
      await running.stop(signal);
      return startPlatform({ ...options, dataDir, port: Number(new URL(running.url).port) });
    },
  };
}
