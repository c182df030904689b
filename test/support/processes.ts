import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Runs `weft <command>` from source as its own process and resolves once it
 * prints `readyLine`; rejects with its stderr if it exits first.
 */
export function spawnWeft(command: string, env: NodeJS.ProcessEnv, readyLine: string, nodeArgs: string[] = []): Promise<ChildProcess> {
  return spawnTsx(`weft ${command}`, ['src/cli/main.ts', command], env, readyLine, nodeArgs);
}

/**
 * Runs a TypeScript file of this checkout (`args`: the file, then its
 * arguments) through tsx as its own process and resolves once it prints
 * `readyLine`; rejects with its stderr if it exits first. `name` says which in errors.
 */
export function spawnTsx(name: string, args: string[], env: NodeJS.ProcessEnv, readyLine: string, nodeArgs: string[] = []): Promise<ChildProcess> {
  return spawnNode(name, [...nodeArgs, '--import', 'tsx', ...args], env, readyLine);
}

/** Runs Node with `args` (from this checkout) as its own process and resolves once it prints `readyLine`, as `spawnTsx`. */
export async function spawnNode(name: string, args: string[], env: NodeJS.ProcessEnv, readyLine: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready: ${stderr.join('')}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes(readyLine)) resolve();
    });
  });
  return child;
}

/** Sends a signal and resolves with the exit code. */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill(signal);
  return exited;
}

/**
 * Polls `probe` until it returns a value. For conditions only observable from
 * outside (another process's state); the deadline only bounds a broken run.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
