import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { NodeError } from '../../dag/run-state.js';
import { FailureType } from '../../dag/failure-types.js';
import { schemaViolations } from '../../json-schema/validator.js';
import type { Logger } from '../../logger.js';
import { costOf, type PricingTable } from '../../pricing/pricing.js';
import type { AgentActivityInput, AgentActivityResult, AgentOutput } from '../contract.js';
import { activityFailure } from '../failures.js';
import type { ExecutionRecorder } from '../recorder.js';
import { revealSecrets, scrubFailure, scrubSecrets, type SecretStore } from '../secrets.js';
import { keepHeartbeating } from '../heartbeat.js';
import { buildMessages, type AgentProvider, type ProviderContext } from './provider.js';
import type { CacheRepo } from '../../db/cache-repo.js';
import { nodeCache } from '../node-cache.js';
import { pickModel, type TierTable } from '../../pricing/tiers.js';

export interface AgentActivityDeps {
  providers: ReadonlyMap<string, AgentProvider>;
  cache: CacheRepo;
  recorder: ExecutionRecorder;
  pricing: PricingTable;
  tiers: TierTable;
  secrets: SecretStore;
  logger: Logger;
}

/** What an attempt carries to the next through heartbeat details. */
interface AttemptMemo {
  feedback?: string;
}

/**
 * Builds `runAgent`: one attempt of an agent node. The provider makes the call;
 * everything around it is common to all providers: the key from secrets, the
 * model for `model: auto`, JSON output parsed and checked against `schema`
 * (an invalid answer is retried with the reason in the next prompt), the price,
 * the attempt's conversation recorded, and secrets scrubbed from all of it.
 */
export function createAgentActivity(deps: AgentActivityDeps) {
  return async function runAgent(input: AgentActivityInput): Promise<AgentActivityResult> {
    const ctx = Context.current();
    const { attempt } = ctx.info;
    const revealed = revealSecrets(input.config, input.deferred, deps.secrets, attempt);
    const { apiKey, ...config } = revealed.value;
    const scrub = <T>(value: T): T => scrubSecrets(value, revealed.secrets);
    const provider = deps.providers.get(config.provider ?? '');
    if (!provider) {
      throw activityFailure({
        type: FailureType.UnknownProvider,
        message: `provider ${config.provider ?? '(none)'} is not configured on this worker (known: ${[...deps.providers.keys()].join(', ')})`,
        nonRetryable: true,
        attempt,
      });
    }
    const pick = pickModel(config, deps.tiers, input.upstream ?? 0);
    if (config.model === 'auto' && !pick.model) {
      throw activityFailure({ type: FailureType.ConfigInvalid, message: `no ${pick.tier} model configured for ${provider.name} (WEFT_MODEL_TIERS)`, nonRetryable: true, attempt });
    }
    const memo = (ctx.info.heartbeatDetails ?? {}) as AttemptMemo;
    const record = deps.recorder.begin(input.nodeId, input.attemptOffset + attempt, input.fallback);
    const call = { config, model: pick.model, apiKey, feedback: memo.feedback };
    const { system } = buildMessages(call);
    const conversation = { system: system ?? null, prompt: config.prompt, feedback: memo.feedback ?? null, model: pick.model ?? null, ...(pick.tier ? { tier: pick.tier, complexity: pick.score ?? null } : {}) };
    const providerCtx: ProviderContext = { attempt, signal: ctx.cancellationSignal, sleep: (ms) => ctx.sleep(ms) };
    // The key holds what the workflow resolved (secret templates as written) and the model.
    const cache = input.cache ? nodeCache(deps.cache, deps.logger, 'agent', { config: input.config, deferred: input.deferred ?? [], model: pick.model ?? null }) : undefined;
    const hit = await cache?.get<AgentOutput>();
    if (hit) {
      const output: AgentOutput = { ...hit, costUsd: 0, cached: true, fallback: input.fallback };
      await record.succeeded(output, 0, { ...conversation, cached: true });
      return { output, attempt };
    }
    const stopHeartbeats = keepHeartbeating(ctx, memo);
    const started = Date.now();
    try {
      const out = await provider.call(call, providerCtx);
      const latencyMs = Date.now() - started;
      const model = out.model ?? pick.model ?? null;
      const json = config.output === 'json' ? checkedJson(out.json ?? parseJsonText(out.text), config.schema, attempt, ctx) : out.json;
      const warnings: string[] = [];
      let costUsd = out.costUsd ?? null;
      if (costUsd === null) {
        costUsd = model ? costOf(deps.pricing, provider.name, model, out.usage) : null;
        if (costUsd === null) {
          warnings.push(`no price for ${provider.name}/${model ?? '(no model)'}: costUsd is null (add it with WEFT_PRICING_FILE)`);
          deps.logger.warn({ provider: provider.name, model }, 'no price for model; cost left null');
        }
      }
      const output: AgentOutput = scrub({
        text: out.text,
        ...(json === undefined ? {} : { json }),
        usage: out.usage,
        costUsd,
        provider: provider.name,
        model,
        cached: false,
        fallback: input.fallback,
      });
      await record.succeeded(output, costUsd, scrub({ ...conversation, response: out.text, usage: out.usage, latencyMs, model, warnings }));
      if (cache && input.cache) await cache.put(output, input.cache.ttlMs);
      return { output, attempt };
    } catch (err) {
      if (ctx.cancellationSignal.aborted) {
        await record.cancelled();
        throw err instanceof CancelledFailure ? err : new CancelledFailure('cancelled');
      }
      const failure = scrubFailure(asFailure(err, attempt), revealed.secrets);
      const error: NodeError = { type: failure.type ?? FailureType.Internal, message: failure.message };
      await record.failed(error, scrub({ ...conversation, latencyMs: Date.now() - started, error }));
      throw failure;
    } finally {
      stopHeartbeats();
    }
  };
}

function asFailure(err: unknown, attempt: number): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  return activityFailure({ type: FailureType.Internal, message: err instanceof Error ? err.message : String(err), attempt, cause: err instanceof Error ? err : undefined });
}

/** Reads JSON from a model's answer, tolerating a Markdown code fence around it. */
export function parseJsonText(text: string): unknown {
  const trimmed = text.trim();
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/i.exec(trimmed);
  try {
    return JSON.parse(fenced ? fenced[1]! : trimmed);
  } catch {
    return INVALID;
  }
}

const INVALID = Symbol('invalid JSON');

/**
 * Checks structured output; an invalid answer fails the attempt with the
 * retryable OUTPUT_INVALID, and the reason goes to the next attempt's prompt
 * through the heartbeat details (which Temporal hands to the next attempt).
 */
function checkedJson(value: unknown, schema: object | undefined, attempt: number, ctx: Context): unknown {
  let problem: string | undefined;
  if (value === INVALID) problem = 'the answer was not valid JSON';
  else if (schema) {
    const violations = schemaViolations(schema, value);
    if (violations.length > 0) problem = `the JSON does not match the schema: ${violations.map((v) => `${v.path} ${v.message}`).join('; ')}`;
  }
  if (!problem) return value;
  ctx.heartbeat({ feedback: problem } satisfies AttemptMemo);
  throw activityFailure({ type: FailureType.OutputInvalid, message: problem, attempt });
}
