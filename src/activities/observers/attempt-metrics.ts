import type { AttemptInfo, AttemptObserver } from '../attempt-observer.js';
import type { AgentOutput } from '../contract.js';
import { agentCost, agentRequestDuration, agentTokens, cacheHits, cacheMisses, nodeRetries } from '../../metrics/registry.js';

/**
 * Counts what only a node activity's attempt knows, once per attempt (Temporal
 * runs each attempt once; replays never run activities): retries (a failed
 * attempt that will be retried), cache hits and misses, and an agent request's
 * tokens, cost and duration (not when served from the cache: no request was made).
 */
export function metricsObserver(now: () => number = Date.now): AttemptObserver {
  const workflowOf = (info: AttemptInfo) => info.workflow ?? 'unknown';
  return {
    started() {},
    warned() {},
    failed(info, _error, willRetry) {
      if (willRetry) nodeRetries.inc({ workflow: workflowOf(info), type: info.nodeType });
    },
    cacheLooked(info, hit) {
      (hit ? cacheHits : cacheMisses).inc({ workflow: workflowOf(info) });
    },
    succeeded(info, output) {
      if (info.nodeType !== 'agent' || !isAgentOutput(output) || output.cached) return;
      const labels = { provider: output.provider, model: output.model ?? 'unknown' };
      const { usage } = output;
      agentTokens.inc({ ...labels, kind: 'input' }, usage.inputTokens);
      agentTokens.inc({ ...labels, kind: 'output' }, usage.outputTokens);
      if (usage.cacheReadTokens) agentTokens.inc({ ...labels, kind: 'cache_read' }, usage.cacheReadTokens);
      if (output.costUsd !== null) agentCost.inc({ ...labels, workflow: workflowOf(info) }, output.costUsd);
      agentRequestDuration.observe(labels, Math.max(now() - Date.parse(info.startedAt), 0) / 1000);
    },
  };
}

function isAgentOutput(output: unknown): output is AgentOutput {
  return typeof output === 'object' && output !== null && 'usage' in output && 'provider' in output;
}
