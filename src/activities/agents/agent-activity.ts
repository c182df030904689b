import { FailureType } from '../../dag/failure-types.js';
import { schemaViolations } from '../../json-schema/validator.js';
import { runAttempt, type AttemptDeps, type AttemptPlan } from '../attempt.js';
import type { AttemptContext } from '../attempt-context.js';
import type { AgentActivityInput, AgentActivityResult, AgentOutput, ResolvedAgentConfig } from '../contract.js';
import { activityFailure } from '../failures.js';
import { chooseModel, priceCall, type ModelDeps } from './model-choice.js';
import { buildMessages } from './provider.js';

export interface AgentActivityDeps extends ModelDeps {
  envelope: AttemptDeps;
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
 * and the attempt's conversation as the record's detail. The envelope
 * (`runAttempt`) reveals and scrubs secrets, records, caches and heartbeats.
 */
export function createAgentActivity(deps: AgentActivityDeps) {
  return function runAgent(input: AgentActivityInput): Promise<AgentActivityResult> {
    return runAttempt(deps.envelope, {
      nodeType: 'agent',
      input,
      value: input.config,
      attemptOffset: input.attemptOffset,
      fallback: input.fallback,
      prepare: (ctx) => planCall(deps, input, ctx),
    });
  };
}

/** Picks the provider and model and builds the call; refuses a config no attempt could serve. */
function planCall(deps: AgentActivityDeps, input: AgentActivityInput, ctx: AttemptContext<ResolvedAgentConfig>): AttemptPlan<AgentOutput> {
  const { apiKey, ...config } = ctx.value;
  const { provider, pick } = chooseModel(deps, config, input.upstream ?? 0);
  const memo = (ctx.lastHeartbeat ?? {}) as AttemptMemo;
  const call = { config, model: pick.model, apiKey, feedback: memo.feedback };
  const { system } = buildMessages(call);
  const conversation = { system: system ?? null, prompt: config.prompt, feedback: memo.feedback ?? null, model: pick.model ?? null, ...(pick.tier ? { tier: pick.tier, complexity: pick.score ?? null } : {}) };
  let started = Date.now();
  return {
    detail: conversation,
    failedDetail: (error) => ({ ...conversation, latencyMs: Date.now() - started, error }),
    // The key holds what the workflow resolved (secret templates as written) and the model.
    cacheKey: { config: input.config, model: pick.model ?? null },
    fromCache: (hit) => ({ output: { ...hit, costUsd: 0, cached: true, fallback: input.fallback }, costUsd: 0 }),
    async run() {
      started = Date.now();
      const out = await provider.call(call, ctx);
      const latencyMs = Date.now() - started;
      const model = out.model ?? pick.model ?? null;
      const json = config.output === 'json' ? checkedJson(out.json ?? parseJsonText(out.text), config.schema, ctx) : out.json;
      const { costUsd, warnings } = priceCall(deps, provider.name, model, out.usage, out.costUsd);
      const output: AgentOutput = { text: out.text, ...(json === undefined ? {} : { json }), usage: out.usage, costUsd, provider: provider.name, model, cached: false, fallback: input.fallback };
      return { output, costUsd, warnings, detail: { ...conversation, response: out.text, usage: out.usage, latencyMs, model, warnings } };
    },
  };
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
function checkedJson(value: unknown, schema: object | undefined, ctx: AttemptContext<unknown>): unknown {
  const problem = jsonProblem(value, schema);
  if (!problem) return value;
  ctx.heartbeat({ feedback: problem } satisfies AttemptMemo);
  throw activityFailure({ type: FailureType.OutputInvalid, message: problem });
}

/** What is wrong with a JSON answer (`parseJsonText`'s result), or undefined when it is valid against `schema`. */
export function jsonProblem(value: unknown, schema: object | undefined): string | undefined {
  if (value === INVALID) return 'the answer was not valid JSON';
  if (!schema) return undefined;
  const violations = schemaViolations(schema, value);
  return violations.length > 0 ? `the JSON does not match the schema: ${violations.map((v) => `${v.path} ${v.message}`).join('; ')}` : undefined;
}
