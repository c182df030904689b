import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { CacheRepo } from '../db/cache-repo.js';
import { FailureType } from '../dag/failure-types.js';
import type { NodeError } from '../dag/run-state.js';
import { withLogFields } from '../log-context.js';
import type { Logger } from '../logger.js';
import { createAttemptContext, type AttemptContext } from './attempt-context.js';
import { attemptFailure, willRetry } from './attempt-failure.js';
import { tellObserver, type AttemptInfo, type AttemptObserver } from './attempt-observer.js';
import type { NodeActivityInput, NodeActivityResult } from './contract.js';
import { activityFailure } from './failures.js';
import { keepHeartbeating } from './heartbeat.js';
import { nodeCache } from './node-cache.js';
import type { AttemptRecord, ExecutionRecorder } from './recorder.js';
import { revealSecrets, scrubSecrets, type SecretStore } from './secrets.js';

/** What the envelope needs from the worker, shared by every node activity. */
export interface AttemptDeps {
  recorder: ExecutionRecorder;
  secrets: SecretStore;
  logger: Logger;
  /** The node result cache; without it nothing is cached. */
  cache?: Pick<CacheRepo, 'get' | 'put'>;
  /** Told of every attempt; it can never fail one. */
  observer?: AttemptObserver;
}

/** How an attempt that ran (or was served from the cache) came out. */
export interface AttemptOutcome<O> {
  output: O;
  costUsd?: number | null;
  /** The success record's detail, when it says more than the plan's `detail`. */
  detail?: Record<string, unknown>;
  /** What people should know though the attempt succeeded; observers hear each. */
  warnings?: string[];
}

/**
 * One attempt's work as the body lays it out once secrets are revealed. What the
 * body refuses before returning its plan (bad configuration) fails the attempt
 * without a record row, as the run's end fills that row in from the node record.
 */
export interface AttemptPlan<O> {
  /** What the attempt's record says whatever its outcome; `run` may add to it as it learns (status, latency). */
  detail: Record<string, unknown>;
  /** The failed record's detail, when it says more than `detail`. */
  failedDetail?(error: NodeError): Record<string, unknown>;
  /**
   * With `cache` on the input, what the cache key hashes besides the node type
   * and the deferred templates (as written: never secret values). Without it the
   * attempt is never cached.
   */
  cacheKey?: Record<string, unknown>;
  /** Turns a cached output into this attempt's outcome (default: as it is, cost unknown). */
  fromCache?(hit: O): AttemptOutcome<O>;
  /** The work itself: call the provider, send the request, run the command. */
  run(): Promise<AttemptOutcome<O>>;
}

/** One node activity's attempt, as `runAttempt` runs it. */
export interface AttemptSpec<V, O> {
  /** `agent`, `http`, `exec` or a plugin's `<plugin>.<type>`: names the cache entries and observers see. */
  nodeType: string;
  input: NodeActivityInput;
  /** What the body works on; `input.deferred` paths are relative to it. */
  value: V;
  /** Attempts the node used before this activity (earlier fallbacks), so records number on. */
  attemptOffset?: number;
  fallback?: number | null;
  /** Types an error the body threw that is not an `ApplicationFailure` (default: INTERNAL with its message). */
  classify?(err: unknown): ApplicationFailure;
  /** Lays out the attempt from the revealed value; what it throws fails the attempt before any record row. */
  prepare(ctx: AttemptContext<V>): AttemptPlan<O> | Promise<AttemptPlan<O>>;
}

/**
 * The envelope around one attempt of a node activity, in one place for every
 * node type: reveals the deferred secrets into the body's value, records the
 * attempt (one row per run, node and attempt), serves and fills the cache,
 * heartbeats while the body runs, turns cancellation into a `cancelled` record
 * and a `CancelledFailure`, types and scrubs failures and attaches the attempt
 * the workflow counts, and tells the observer. Call it from inside an activity.
 */
export async function runAttempt<V, O>(deps: AttemptDeps, spec: AttemptSpec<V, O>): Promise<NodeActivityResult<O>> {
  const activity = Context.current();
  const info = attemptInfo(activity, spec);
  // Every line logged during the attempt, by the body or a plugin, names it.
  return withLogFields({ runId: info.runId, workflow: info.workflow, nodeId: info.nodeId, attempt: info.nodeAttempt }, () => attemptIn(activity, info, deps, spec));
}

async function attemptIn<V, O>(activity: Context, info: AttemptInfo, envelope: AttemptDeps, spec: AttemptSpec<V, O>): Promise<NodeActivityResult<O>> {
  const { attempt } = info;
  const deps = partOfLoop(envelope, spec.input.part);
  let secrets: readonly string[] = [];
  let plan: AttemptPlan<O> | undefined;
  let record: AttemptRecord | undefined;
  await tellObserver(deps.observer, deps.logger, 'started', info);
  try {
    const revealed = revealSecrets(spec.value, spec.input.deferred, deps.secrets);
    const handles = createAttemptContext(activity, deps.secrets, revealed.value, revealed.secrets);
    secrets = handles.secrets;
    const prepared = await spec.prepare(handles.ctx);
    plan = prepared;
    record = deps.recorder.begin(info);
    const { cache } = spec.input;
    const cached = cache && deps.cache && prepared.cacheKey ? nodeCache(deps.cache, deps.logger, spec.nodeType, { ...prepared.cacheKey, deferred: spec.input.deferred ?? [] }) : undefined;
    const hit = await cached?.get<O>();
    if (cached) await tellObserver(deps.observer, deps.logger, 'cacheLooked', info, hit !== undefined);
    const outcome = hit === undefined ? await heartbeating(activity, handles.heartbeatDetails, () => prepared.run()) : (prepared.fromCache?.(hit) ?? { output: hit });
    const output = scrubSecrets(outcome.output, secrets);
    const costUsd = outcome.costUsd ?? null;
    const detail = outcome.detail ?? prepared.detail;
    await record.succeeded(output, costUsd, scrubSecrets(hit === undefined ? detail : { ...detail, cached: true }, secrets));
    if (hit === undefined && cached && cache) await cached.put(output, cache.ttlMs);
    for (const [index, warning] of (outcome.warnings ?? []).entries()) await tellObserver(deps.observer, deps.logger, 'warned', info, scrubSecrets(warning, secrets), index);
    await tellObserver(deps.observer, deps.logger, 'succeeded', info, output, costUsd);
    return { output, attempt };
  } catch (err) {
    if (err instanceof CancelledFailure || activity.cancellationSignal.aborted) {
      await record?.cancelled();
      await tellObserver(deps.observer, deps.logger, 'failed', info, { type: FailureType.Cancelled, message: 'cancelled' }, false);
      throw err instanceof CancelledFailure ? err : new CancelledFailure('cancelled');
    }
    const failure = attemptFailure(err instanceof ApplicationFailure ? err : (spec.classify ?? internalFailure)(err), attempt, secrets);
    const error: NodeError = { type: failure.type ?? FailureType.Internal, message: failure.message };
    await record?.failed(error, scrubSecrets(plan?.failedDetail?.(error) ?? plan?.detail, secrets));
    await tellObserver(deps.observer, deps.logger, 'failed', info, error, willRetry(failure, activity.info));
    throw failure;
  }
}

/**
 * An agent loop's turns and tool calls are parts of a node, not attempts of
 * their own: the loop reports the node's start and end, so no observer hears
 * them; a turn keeps its attempt row (the node's attempts are its model calls),
 * a tool call none.
 */
function partOfLoop(deps: AttemptDeps, part: NodeActivityInput['part']): AttemptDeps {
  if (part === undefined) return deps;
  const { observer: _observer, ...rest } = deps;
  return part === 'tool' ? { ...rest, recorder: UNRECORDED } : rest;
}

const UNRECORDED: AttemptDeps['recorder'] = {
  begin: () => ({ succeeded: async () => {}, failed: async () => {}, cancelled: async () => {} }),
};

function attemptInfo(activity: Context, spec: Pick<AttemptSpec<unknown, unknown>, 'nodeType' | 'input' | 'attemptOffset' | 'fallback'>): AttemptInfo {
  const { attempt, workflowExecution } = activity.info;
  return {
    runId: workflowExecution?.workflowId ?? 'unknown',
    workflow: spec.input.workflow ?? null,
    nodeId: spec.input.nodeId,
    nodeType: spec.nodeType,
    attempt,
    nodeAttempt: (spec.attemptOffset ?? 0) + attempt,
    fallback: spec.fallback ?? null,
    startedAt: new Date().toISOString(),
  };
}

/** Runs the body with the heartbeat timer going, so cancellation reaches it and a lost worker is noticed. */
async function heartbeating<T>(activity: Context, details: () => unknown, run: () => Promise<T>): Promise<T> {
  const stop = keepHeartbeating(activity, details);
  try {
    return await run();
  } finally {
    stop();
  }
}

function internalFailure(err: unknown): ApplicationFailure {
  return activityFailure({ type: FailureType.Internal, message: err instanceof Error ? err.message : String(err), ...(err instanceof Error ? { cause: err } : {}) });
}
