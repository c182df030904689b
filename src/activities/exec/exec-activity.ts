import { spawn } from 'node:child_process';
import { mkdir, realpath } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { FailureType } from '../../dag/failure-types.js';
import type { ExecActivityInput, ExecOutput, NodeActivityResult } from '../contract.js';
import { activityFailure } from '../failures.js';
import { keepHeartbeating } from '../heartbeat.js';
import type { ExecutionRecorder } from '../recorder.js';
import { revealSecrets, scrubFailure, scrubSecrets, type SecretStore } from '../secrets.js';
import { sandboxArgs, sandboxAvailability } from './sandbox.js';

export interface ExecActivityDeps {
  enabled: boolean;
  workspace: string;
  envAllow: string[];
  maxOutputBytes: number;
  secrets: SecretStore;
  recorder: ExecutionRecorder;
}

/**
 * Builds `runExec`: runs a node's command, argv only (never a shell), in a
 * working directory confined under the workspace root, with only allow-listed
 * worker variables plus the node's `env`. Output is capped; on cancellation or
 * when the attempt's time is up the whole process group is killed. With
 * `policy: sandbox` it runs under bubblewrap: no network, read-only system.
 */
export function createExecActivity(deps: ExecActivityDeps) {
  return async function runExec(input: ExecActivityInput): Promise<NodeActivityResult<ExecOutput>> {
    const ctx = Context.current();
    const { attempt } = ctx.info;
    if (!deps.enabled) {
      throw activityFailure({ type: FailureType.ExecDisabled, message: 'exec nodes are disabled on this worker (set WEFT_EXEC=on to enable them)', nonRetryable: true, attempt });
    }
    // Deferred paths are relative to the payload the workflow resolved (`env/NAME`).
    const { value: revealed, secrets } = revealSecrets({ env: input.env ?? {} }, input.deferred, deps.secrets, attempt);
    const { env } = revealed;
    const scrub = <T>(v: T): T => scrubSecrets(v, secrets);
    const cwd = await confinedCwd(deps.workspace, input.cwd, attempt);
    let argv = input.command;
    if (input.policy === 'sandbox') {
      const sandbox = sandboxAvailability();
      if (!sandbox.available) {
        throw activityFailure({ type: FailureType.SandboxUnavailable, message: `policy: sandbox needs bubblewrap, which cannot run here: ${sandbox.reason}`, nonRetryable: true, attempt });
      }
      argv = ['bwrap', ...sandboxArgs(await realpath(deps.workspace), cwd, input.command)];
    }
    const record = deps.recorder.begin(input.nodeId, attempt, null);
    const detail = { command: input.command, cwd, policy: input.policy ?? 'default' };
    const stop = keepHeartbeating(ctx);
    try {
      const output = scrub(await run(argv, { cwd, env: { ...allowedEnv(deps.envAllow), ...env }, stdin: input.stdin, maxOutputBytes: deps.maxOutputBytes, ctx }));
      if (output.exitCode !== 0) {
        // `output` is already scrubbed, so the message built from it is too.
        const failure = activityFailure({ type: FailureType.ExitNonZero, message: `exit code ${output.exitCode}: ${output.stderr.slice(-500)}`, attempt });
        await record.failed({ type: FailureType.ExitNonZero, message: failure.message }, { ...detail, ...output });
        throw failure;
      }
      await record.succeeded(output, null, detail);
      return { output, attempt };
    } catch (err) {
      if (err instanceof ApplicationFailure && err.type === FailureType.ExitNonZero) throw err;
      if (err instanceof CancelledFailure || ctx.cancellationSignal.aborted) {
        await record.cancelled();
        throw err instanceof CancelledFailure ? err : new CancelledFailure('cancelled');
      }
      const failure = scrubFailure(err instanceof ApplicationFailure ? err : activityFailure({ type: FailureType.Internal, message: (err as Error).message, attempt }), secrets);
      await record.failed({ type: failure.type ?? FailureType.Internal, message: failure.message }, detail);
      throw failure;
    } finally {
      stop();
    }
  };
}

/** Resolves `cwd` under the workspace, creating it, and refuses any path (or symlink) that leads outside. */
async function confinedCwd(workspace: string, cwd: string | undefined, attempt: number): Promise<string> {
  await mkdir(workspace, { recursive: true });
  const root = await realpath(workspace);
  const wanted = resolve(root, cwd ?? '.');
  const outside = () => activityFailure({ type: FailureType.CwdOutsideWorkspace, message: `cwd ${cwd} is outside the workspace ${root}`, nonRetryable: true, attempt });
  if (wanted !== root && !wanted.startsWith(root + sep)) throw outside();
  await mkdir(wanted, { recursive: true });
  const real = await realpath(wanted);
  if (real !== root && !real.startsWith(root + sep)) throw outside();
  return real;
}

function allowedEnv(names: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of names) if (process.env[name] !== undefined) env[name] = process.env[name]!;
  return env;
}

interface RunOptions {
  cwd: string;
  env: Record<string, string>;
  stdin: string | undefined;
  maxOutputBytes: number;
  ctx: Context;
}

/** Spawns the command in its own process group and collects capped output. */
function run(argv: string[], options: RunOptions): Promise<ExecOutput> {
  const { ctx } = options;
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
    // The attempt's own limit: Temporal stops waiting then, and the command must not outlive it.
    const limit = ctx.info.startToCloseTimeoutMs;
    const timer = limit ? setTimeout(() => ((timedOut = true), killGroup()), Math.max(limit - 250, 50)) : undefined;
    const onCancel = () => killGroup();
    ctx.cancellationSignal.addEventListener('abort', onCancel, { once: true });
    child.once('error', (e) => {
      clearTimeout(timer);
      ctx.cancellationSignal.removeEventListener('abort', onCancel);
      reject(activityFailure({ type: FailureType.ConfigInvalid, message: `cannot run ${argv[0]}: ${e.message}`, nonRetryable: true, attempt: ctx.info.attempt }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      ctx.cancellationSignal.removeEventListener('abort', onCancel);
      killGroup();
      if (ctx.cancellationSignal.aborted) return reject(new CancelledFailure('cancelled'));
      if (timedOut) return reject(activityFailure({ type: FailureType.Timeout, message: `command ran past the node's timeout and was killed`, attempt: ctx.info.attempt }));
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
