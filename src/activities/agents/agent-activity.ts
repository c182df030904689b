import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { FailureType } from '../../dag/failure-types.js';
import type { AgentActivityInput, AgentActivityResult } from '../contract.js';
import { activityFailure } from '../failures.js';
import type { ExecutionRecorder } from '../recorder.js';
import type { AgentProvider, ProviderContext } from './provider.js';

export interface AgentActivityDeps {
  providers: ReadonlyMap<string, AgentProvider>;
  recorder: ExecutionRecorder;
}

/** Builds `runAgent`: one attempt of an agent node through its provider, recorded as it ends. */
export function createAgentActivity(deps: AgentActivityDeps) {
  return async function runAgent(input: AgentActivityInput): Promise<AgentActivityResult> {
    const ctx = Context.current();
    const { attempt } = ctx.info;
    const { config } = input;
    const provider = deps.providers.get(config.provider ?? '');
    if (!provider) {
      throw activityFailure({
        type: FailureType.UnknownProvider,
        message: `provider ${config.provider ?? '(none)'} is not configured on this worker (known: ${[...deps.providers.keys()].join(', ')})`,
        nonRetryable: true,
        attempt,
      });
    }
    const record = deps.recorder.begin(input.nodeId, input.attemptOffset + attempt, input.fallback);
    const providerCtx: ProviderContext = {
      attempt,
      cancelled: ctx.cancelled,
      sleep: (ms) => ctx.sleep(ms),
      heartbeat: (details) => ctx.heartbeat(details),
    };
    const stopHeartbeats = keepHeartbeating(ctx);
    const conversation = { system: config.system ?? null, prompt: config.prompt, model: config.model ?? null };
    try {
      const out = await provider.call(config, providerCtx);
      const output = { ...out, cached: false, fallback: input.fallback };
      await record.succeeded(output, output.costUsd, { ...conversation, response: out.text, usage: out.usage, model: out.model });
      return { output, attempt };
    } catch (err) {
      if (err instanceof CancelledFailure) {
        await record.cancelled();
        throw err;
      }
      const failure =
        err instanceof ApplicationFailure
          ? err
          : activityFailure({ type: FailureType.Internal, message: err instanceof Error ? err.message : String(err), attempt, cause: err instanceof Error ? err : undefined });
      await record.failed({ type: failure.type ?? FailureType.Internal, message: failure.message }, conversation);
      throw failure;
    } finally {
      stopHeartbeats();
    }
  };
}

/**
 * Heartbeats on a timer while a call is in flight, so cancellation reaches the
 * activity and a dead worker is noticed within the heartbeat timeout.
 */
function keepHeartbeating(ctx: Context): () => void {
  const timeoutMs = ctx.info.heartbeatTimeoutMs;
  if (!timeoutMs) return () => {};
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), Math.max(200, Math.floor(timeoutMs / 3)));
  return () => clearInterval(timer);
}
