import { ACCESS_TABLE } from '../src/api/access.js';
import type { AttemptInfo } from '../src/activities/attempt-observer.js';
import type { AgentOutput } from '../src/activities/contract.js';
import { RunErrorCode } from '../src/dag/failure-types.js';
import type { NodeStatus, RunStatus } from '../src/dag/run-state.js';
import { metricsObserver } from '../src/activities/observers/attempt-metrics.js';
import { pluginHookErrors, httpRequestDuration, httpRequests, runsActive, runsStarted } from '../src/metrics/registry.js';
import { countRunEnd, type EndedNode } from '../src/metrics/run-end.js';
import { loadPricing } from '../src/pricing/pricing.js';

/** Every other node type cycles through the workflows, so each workflow has agent, transform and one more. */
const THIRD_TYPES = ['http', 'exec', 'switch', 'approval', 'sleep', 'map', 'loop', 'workflow', 'slack.post', 'github.issue'];
/** The built-in price list's models: what agents in production name. */
const MODELS = Object.entries(loadPricing()).flatMap(([provider, models]) => Object.keys(models).map((model) => ({ provider, model })));
/** The final states a run's three nodes are left in, by the run's final state. */
const NODE_STATUSES: Record<RunStatus, NodeStatus[]> = {
  running: [],
  paused: [],
  succeeded: ['succeeded', 'succeeded', 'skipped'],
  failed: ['succeeded', 'failed', 'skipped'],
  cancelled: ['succeeded', 'cancelled', 'cancelled'],
  timed_out: ['succeeded', 'cancelled', 'skipped'],
};
const HOOKS = ['beforeNode', 'afterNode', 'onNodeError', 'onRunComplete'];

/**
 * Fills Weft's registry with the label sets `workflows` workflows leave after a
 * busy day, through the code that counts in production (`countRunEnd`, the
 * attempt observer, the API's counters), so every series is one a process
 * could really hold: per workflow, runs ending succeeded and failed (every
 * fourth also cancelled, every tenth timed out, every twentieth stopped by its
 * budget); nodes of three types in every final state their run's status leaves;
 * retries, cache lookups and agent requests on one model a workflow (a second
 * one, by fallback, every fifth); every API route with its usual statuses.
 */
export function fillRegistry(workflows: number): void {
  const observe = metricsObserver(() => Date.parse('2026-01-01T00:00:05Z'));
  for (let w = 0; w < workflows; w++) {
    const { workflow, types } = workflowOf(w);
    const statuses: RunStatus[] = ['succeeded', 'failed'];
    if (w % 4 === 0) statuses.push('cancelled');
    if (w % 10 === 0) statuses.push('timed_out');
    for (const status of statuses) runOnce(w, status);
    const models = [MODELS[w % MODELS.length]!, ...(w % 5 === 0 ? [MODELS[(w + 7) % MODELS.length]!] : [])];
    for (const [i, { provider, model }] of models.entries()) {
      const info: AttemptInfo = { runId: 'run_x', workflow, nodeId: 'draft', nodeType: 'agent', attempt: 1, nodeAttempt: 1, fallback: i || null, startedAt: '2026-01-01T00:00:00Z' };
      const output: AgentOutput = { text: '', usage: { inputTokens: 1200, outputTokens: 300, cacheReadTokens: 800 }, costUsd: 0.01, provider, model, cached: false, fallback: i || null };
      observe.cacheLooked?.(info, false);
      observe.cacheLooked?.(info, true);
      observe.failed(info, { type: 'PROVIDER_ERROR', message: '' }, true);
      observe.succeeded(info, output, output.costUsd);
    }
    observe.failed({ runId: 'run_x', workflow, nodeId: 'n', nodeType: types[2]!, attempt: 1, nodeAttempt: 1, fallback: null, startedAt: '2026-01-01T00:00:00Z' }, { type: 'TIMEOUT', message: '' }, true);
  }
  fillApi();
  for (const plugin of ['slack', 'github', 'webhook']) for (const hook of HOOKS) pluginHookErrors.inc({ plugin, hook });
}

/** Workflow `w`'s name and node types. */
function workflowOf(w: number): { workflow: string; types: string[] } {
  return { workflow: `workflow-${String(w).padStart(4, '0')}`, types: ['agent', 'transform', THIRD_TYPES[w % THIRD_TYPES.length]!] };
}

/** One run of workflow `w` started through the API and ended with `status`, counted as the API and `finishRun` count it. */
export function runOnce(w: number, status: RunStatus = 'succeeded'): void {
  const { workflow, types } = workflowOf(w);
  runsStarted.inc({ workflow });
  runsActive.inc({ workflow });
  const nodes: [string, EndedNode][] = types.map((_, i) => [
    `n${i}`,
    { status: NODE_STATUSES[status][i]!, startedAt: '2026-01-01T00:00:00Z', endedAt: '2026-01-01T00:00:02Z', fallback: i === 0 && w % 5 === 0 ? 1 : null },
  ]);
  const budgetStop = status === 'failed' && w % 20 === 0;
  countRunEnd(
    {
      id: 'run_x',
      workflow,
      version: 1,
      status,
      degraded: false,
      input: null,
      output: null,
      error: budgetStop ? { code: RunErrorCode.BudgetExceeded, message: '' } : null,
      costUsd: 0,
      startedAt: '2026-01-01T00:00:00Z',
      endedAt: '2026-01-01T00:00:03Z',
    },
    nodes,
    (id) => types[Number(id.slice(1))]!,
    true,
  );
}

/** Every route with a success, a client error and a server error; unmatched requests as the API labels them. */
function fillApi(): void {
  for (const key of Object.keys(ACCESS_TABLE)) {
    const [method, route] = key.split(' ') as [string, string];
    for (const status of [method === 'POST' ? '201' : '200', '400', '404', '500']) httpRequests.inc({ method, route, status });
    httpRequestDuration.observe({ method, route }, 0.004);
  }
  for (const status of ['401', '404']) httpRequests.inc({ method: 'GET', route: 'unmatched', status });
  httpRequestDuration.observe({ method: 'GET', route: 'unmatched' }, 0.001);
}
