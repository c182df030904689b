import { spawn } from 'node:child_process';
import { mkdir, realpath } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { CancelledFailure } from '@temporalio/common';
import { FailureType } from '../../dag/failure-types.js';
import { runAttempt, type AttemptDeps } from '../attempt.js';
import type { ExecActivityInput, ExecOutput, NodeActivityResult } from '../contract.js';
import { activityFailure } from '../failures.js';
import { allowedEnv, sandboxedArgv } from './sandbox.js';

export interface ExecActivityDeps {
  enabled: boolean;
  workspace: string;
  envAllow: string[];
  maxOutputBytes: number;
  /** Paths under /tmp the sandbox shows read-only (WEFT_EXEC_SANDBOX_READONLY). */
  sandboxReadOnly?: string[];
  envelope: AttemptDeps;
}

/**
 * Builds `runExec`: runs a node's command, argv only (never a shell), in a
 * working directory confined under the workspace root, with only allow-listed
 * worker variables plus the node's `env`. Output is capped; on cancellation or
 * when the attempt's time is up the whole process group is killed. With
 * `policy: sandbox` it runs under bubblewrap: no network, read-only system.
 * The envelope (`runAttempt`) reveals and scrubs secrets, records and heartbeats;
 * exec nodes are never cached (a command is run for its effects).
 */
export function createExecActivity(deps: ExecActivityDeps) {
  return function runExec(input: ExecActivityInput): Promise<NodeActivityResult<ExecOutput>> {
    return runAttempt(deps.envelope, {
      nodeType: 'exec',
      input,
      // Deferred paths are relative to the payload the workflow resolved (`env/NAME`).
      value: { env: input.env ?? {} },
      prepare: async (ctx) => {
        if (!deps.enabled) {
          throw activityFailure({ type: FailureType.ExecDisabled, message: 'exec nodes are disabled on this worker (set WEFT_EXEC=on to enable them)', nonRetryable: true });
        }
        const cwd = await confinedCwd(deps.workspace, input.cwd);
        let argv = input.command;
        if (input.policy === 'sandbox') argv = sandboxedArgv(await realpath(deps.workspace), cwd, input.command, 'policy: sandbox', deps.sandboxReadOnly);
        const detail: Record<string, unknown> = { command: input.command, cwd, policy: input.policy ?? 'default' };
        return {
          detail,
          async run() {
            const env = { ...allowedEnv(deps.envAllow), ...ctx.value.env, ...(input.idempotencyKey ? { WEFT_IDEMPOTENCY_KEY: input.idempotencyKey } : {}) };
            // Scrubbed before the failure message cuts the end of stderr.
            const output = ctx.scrub(await run(argv, { cwd, env, stdin: input.stdin, maxOutputBytes: deps.maxOutputBytes, cancellation: ctx.signal, timeoutMs: ctx.timeoutMs }));
            if (output.exitCode !== 0) {
              Object.assign(detail, output);
              throw activityFailure({ type: FailureType.ExitNonZero, message: `exit code ${output.exitCode}: ${output.stderr.slice(-500)}` });
            }
            return { output };
          },
        };
      },
    });
  };
}

/** Resolves `cwd` under the workspace, creating it, and refuses any path (or symlink) that leads outside. */
async function confinedCwd(workspace: string, cwd: string | undefined): Promise<string> {
  await mkdir(workspace, { recursive: true });
  const root = await realpath(workspace);
  const wanted = resolve(root, cwd ?? '.');
  const outside = () => activityFailure({ type: FailureType.CwdOutsideWorkspace, message: `cwd ${cwd} is outside the workspace ${root}`, nonRetryable: true });
  if (wanted !== root && !wanted.startsWith(root + sep)) throw outside();
  await mkdir(wanted, { recursive: true });
  const real = await realpath(wanted);
  if (real !== root && !real.startsWith(root + sep)) throw outside();
  return real;
}

/** The longest delay a Node timer takes (2^31 - 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface RunOptions {
  cwd: string;
  env: Record<string, string>;
  stdin: string | undefined;
  maxOutputBytes: number;
  cancellation: AbortSignal;
  /** The attempt's own limit: Temporal stops waiting then, and the command must not outlive it. */
  timeoutMs: number | undefined;
}

/** Spawns the command in its own process group and collects capped output. */
function run(argv: string[], options: RunOptions): Promise<ExecOutput> {
  const { cancellation } = options;
  return new Promise((resolveRun, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: options.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const out = capture(child.stdout, options.maxOutputBytes);
    const err = capture(child.stderr, options.maxOutputBytes);
    let timedOut = false;
    const limit = options.timeoutMs;
    // A limit past what a Node timer holds (about 24.8 days; beyond it setTimeout fires at once) is left to
    // Temporal's timeout, whose cancellation reaches `onCancel` and kills the group all the same.
    const timer = limit && limit - 250 <= MAX_TIMER_MS ? setTimeout(() => ((timedOut = true), killGroup()), Math.max(limit - 250, 50)) : undefined;
    const onCancel = () => killGroup();
    cancellation.addEventListener('abort', onCancel, { once: true });
    child.once('error', (e) => {
      clearTimeout(timer);
      cancellation.removeEventListener('abort', onCancel);
      reject(activityFailure({ type: FailureType.ConfigInvalid, message: `cannot run ${argv[0]}: ${e.message}`, nonRetryable: true }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      cancellation.removeEventListener('abort', onCancel);
      killGroup();
      if (cancellation.aborted) return reject(new CancelledFailure('cancelled'));
      if (timedOut) return reject(activityFailure({ type: FailureType.Timeout, message: `command ran past the node's timeout and was killed` }));
      resolveRun({ exitCode: code ?? (signal ? 128 : 1), stdout: out.text(), stderr: err.text() });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin ?? '');
  });
}

function capture(stream: NodeJS.ReadableStream, cap: number): { text(): string } {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  stream.on('data', (chunk: Buffer) => {
    if (size >= cap) {
      truncated = true;
      return;
    }
    const room = cap - size;
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    if (chunk.length > room) truncated = true;
    size += Math.min(chunk.length, room);
  });
  return { text: () => Buffer.concat(chunks).toString('utf8') + (truncated ? `\n[output truncated at ${cap} bytes]` : '') };
}
