import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SeriesChanges, watch } from './series-changes.js';

/**
 * Weft's own metrics (contract section 8), in a registry of their own so that
 * `/metrics` serves exactly these and nothing a library registers globally.
 * Labels never carry run ids, item indexes or keys: each label set is one
 * workflow name, node type, provider, model, status or route pattern.
 */
export const metricsRegistry = new Registry();
const registers = [metricsRegistry];

/** Every update to a metric of the registry, for the exposition cache (`exposition.ts`). */
export const seriesChanges = new SeriesChanges();

function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return watch(new Counter({ name, help, labelNames, registers }), seriesChanges);
}

function histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> {
  return watch(new Histogram({ name, help, labelNames, buckets, registers }), seriesChanges);
}

/** Node durations run from a 1 ms transform to an approval or sleep that waits for hours. */
export const NODE_DURATION_BUCKETS = [0.001, 0.005, 0.025, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3_600, 14_400, 86_400];
/** Runs last from a few milliseconds (all transforms) to days (approvals, long sleeps). */
export const RUN_DURATION_BUCKETS = [0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3_600, 14_400, 86_400, 604_800];
/** LLM requests take from about 100 ms (a cached or tiny answer) to the 5-minute limit of long generations. */
export const AGENT_REQUEST_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300];
/** API requests: most answer in milliseconds; a run start waits on Temporal and the database. */
export const HTTP_DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Runs the API started (a replayed idempotency key starts nothing). */
export const runsStarted = counter('weft_runs_started_total', 'Runs started through the API', ['workflow']);

/** Runs that reached a final state, by that state. */
export const runsFinished = counter('weft_runs_finished_total', 'Runs that ended, by final status', ['workflow', 'status']);

export const runDuration = histogram('weft_run_duration_seconds', 'Run duration from start to end, by final status', ['workflow', 'status'], RUN_DURATION_BUCKETS);

/** Incremented where a run starts (API), decremented where it ends (worker): sum it over every process. */
export const runsActive = watch(
  new Gauge({ name: 'weft_runs_active', help: 'Runs started and not ended (sum over API and worker processes)', labelNames: ['workflow'] as const, registers }),
  seriesChanges,
);

/** One per node that reached a final state (succeeded, failed, skipped, cancelled). */
export const nodeExecutions = counter('weft_node_executions_total', 'Nodes that reached a final state, by that state', ['workflow', 'type', 'status']);

export const nodeDuration = histogram('weft_node_duration_seconds', 'Node duration from start to end, every attempt and wait included', ['workflow', 'type'], NODE_DURATION_BUCKETS);

/** A failed attempt that Temporal retries. */
export const nodeRetries = counter('weft_node_retries_total', 'Failed node attempts that were retried', ['workflow', 'type']);

/** A node that succeeded on a fallback entry. */
export const nodeFallbacks = counter('weft_node_fallbacks_total', 'Nodes that succeeded through a fallback', ['workflow']);

export const cacheHits = counter('weft_cache_hits_total', 'Node attempts served from the result cache', ['workflow']);
export const cacheMisses = counter('weft_cache_misses_total', 'Cached node attempts that found no entry and ran', ['workflow']);

export const agentTokens = counter('weft_agent_tokens_total', 'LLM tokens used by agent requests, by kind (input, output, cache_read)', ['provider', 'model', 'kind']);

export const agentCost = counter('weft_agent_cost_usd_total', 'Agent cost in USD at list prices', ['workflow', 'provider', 'model']);

export const agentRequestDuration = histogram('weft_agent_request_duration_seconds', 'Duration of successful agent attempts (the LLM request)', ['provider', 'model'], AGENT_REQUEST_BUCKETS);

/** Agent loop turns (model calls of a loop with tools), counted by the turn activity on each attempt that answered. */
export const agentTurns = counter('weft_agent_turns_total', 'Agent loop turns answered by the model', ['provider', 'model']);

/** Tool calls durations: an http or MCP call in milliseconds to a sub-agent or child run of many minutes, or one waiting hours for approval. */
export const TOOL_CALL_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3_600, 86_400];

/** Settled tool calls of agent loops, counted once each where their `tool_result` event is first stored (src/worker/run-event-sinks.ts). */
export const toolCalls = counter('weft_tool_calls_total', 'Agent tool calls settled, by tool kind and status', ['kind', 'status']);

export const toolCallDuration = histogram('weft_tool_call_duration_seconds', 'Agent tool call duration from the ask to its settlement (approval waits included)', ['kind'], TOOL_CALL_BUCKETS);

/** Runs failed because an agent node would have started past `limits.budgetUsd`. */
export const budgetExceeded = counter('weft_budget_exceeded_total', 'Runs stopped by their budget', ['workflow']);

/** Hook calls that threw or ran past their time limit. */
export const pluginHookErrors = counter('weft_plugin_hook_errors_total', 'Plugin hook calls that threw or took longer than their time limit', ['plugin', 'hook']);

export const httpRequests = counter('weft_http_requests_total', 'API requests by method, route pattern and status', ['method', 'route', 'status']);

export const httpRequestDuration = histogram('weft_http_request_duration_seconds', 'API request duration by method and route pattern', ['method', 'route'], HTTP_DURATION_BUCKETS);

/** Firing alerts by rule name and severity, read from the stored alerts when the API is scraped. */
export const alertsFiring = watch(
  new Gauge({ name: 'weft_alerts_firing', help: 'Alerts firing now, by rule and severity', labelNames: ['rule', 'severity'] as const, registers }),
  seriesChanges,
);

/** One per delivery attempt of an alert notification to a channel, by outcome (`delivered`, `failed`). */
export const alertNotifications = counter('weft_alert_notifications_total', 'Alert notification delivery attempts, by channel and outcome', ['channel', 'status']);
