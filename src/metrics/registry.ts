import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Weft's own metrics (contract section 8), in a registry of their own so that
 * `/metrics` serves exactly these and nothing a library registers globally.
 * Labels never carry run ids, item indexes or keys: each label set is one
 * workflow name, node type, provider, model, status or route pattern.
 */
export const metricsRegistry = new Registry();
const registers = [metricsRegistry];

/** Node durations run from a 1 ms transform to an approval or sleep that waits for hours. */
export const NODE_DURATION_BUCKETS = [0.001, 0.005, 0.025, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3_600, 14_400, 86_400];
/** Runs last from a few milliseconds (all transforms) to days (approvals, long sleeps). */
export const RUN_DURATION_BUCKETS = [0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3_600, 14_400, 86_400, 604_800];
/** LLM requests take from about 100 ms (a cached or tiny answer) to the 5-minute limit of long generations. */
export const AGENT_REQUEST_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300];
/** API requests: most answer in milliseconds; a run start waits on Temporal and the database. */
export const HTTP_DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Runs the API started (a replayed idempotency key starts nothing). */
export const runsStarted = new Counter({ name: 'weft_runs_started_total', help: 'Runs started through the API', labelNames: ['workflow'] as const, registers });

/** Runs that reached a final state, by that state. */
export const runsFinished = new Counter({ name: 'weft_runs_finished_total', help: 'Runs that ended, by final status', labelNames: ['workflow', 'status'] as const, registers });

export const runDuration = new Histogram({
  name: 'weft_run_duration_seconds',
  help: 'Run duration from start to end, by final status',
  labelNames: ['workflow', 'status'] as const,
  buckets: RUN_DURATION_BUCKETS,
  registers,
});

/** Incremented where a run starts (API), decremented where it ends (worker): sum it over every process. */
export const runsActive = new Gauge({ name: 'weft_runs_active', help: 'Runs started and not ended (sum over API and worker processes)', labelNames: ['workflow'] as const, registers });

/** One per node that reached a final state (succeeded, failed, skipped, cancelled). */
export const nodeExecutions = new Counter({
  name: 'weft_node_executions_total',
  help: 'Nodes that reached a final state, by that state',
  labelNames: ['workflow', 'type', 'status'] as const,
  registers,
});

export const nodeDuration = new Histogram({
  name: 'weft_node_duration_seconds',
  help: 'Node duration from start to end, every attempt and wait included',
  labelNames: ['workflow', 'type'] as const,
  buckets: NODE_DURATION_BUCKETS,
  registers,
});

/** A failed attempt that Temporal retries. */
export const nodeRetries = new Counter({ name: 'weft_node_retries_total', help: 'Failed node attempts that were retried', labelNames: ['workflow', 'type'] as const, registers });

/** A node that succeeded on a fallback entry. */
export const nodeFallbacks = new Counter({ name: 'weft_node_fallbacks_total', help: 'Nodes that succeeded through a fallback', labelNames: ['workflow'] as const, registers });

export const cacheHits = new Counter({ name: 'weft_cache_hits_total', help: 'Node attempts served from the result cache', labelNames: ['workflow'] as const, registers });
export const cacheMisses = new Counter({ name: 'weft_cache_misses_total', help: 'Cached node attempts that found no entry and ran', labelNames: ['workflow'] as const, registers });

export const agentTokens = new Counter({
  name: 'weft_agent_tokens_total',
  help: 'LLM tokens used by agent requests, by kind (input, output, cache_read)',
  labelNames: ['provider', 'model', 'kind'] as const,
  registers,
});

export const agentCost = new Counter({ name: 'weft_agent_cost_usd_total', help: 'Agent cost in USD at list prices', labelNames: ['workflow', 'provider', 'model'] as const, registers });

export const agentRequestDuration = new Histogram({
  name: 'weft_agent_request_duration_seconds',
  help: 'Duration of successful agent attempts (the LLM request)',
  labelNames: ['provider', 'model'] as const,
  buckets: AGENT_REQUEST_BUCKETS,
  registers,
});

/** Runs failed because an agent node would have started past `limits.budgetUsd`. */
export const budgetExceeded = new Counter({ name: 'weft_budget_exceeded_total', help: 'Runs stopped by their budget', labelNames: ['workflow'] as const, registers });

/** Hook calls that threw or ran past their time limit. */
export const pluginHookErrors = new Counter({
  name: 'weft_plugin_hook_errors_total',
  help: 'Plugin hook calls that threw or took longer than their time limit',
  labelNames: ['plugin', 'hook'] as const,
  registers,
});

export const httpRequests = new Counter({
  name: 'weft_http_requests_total',
  help: 'API requests by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers,
});

export const httpRequestDuration = new Histogram({
  name: 'weft_http_request_duration_seconds',
  help: 'API request duration by method and route pattern',
  labelNames: ['method', 'route'] as const,
  buckets: HTTP_DURATION_BUCKETS,
  registers,
});
