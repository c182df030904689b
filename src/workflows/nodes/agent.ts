import { failed, succeeded } from '../../dag/outcome.js';
import type { NodeError } from '../../dag/run-state.js';
import type { AgentActivityInput } from '../../activities/contract.js';
import { describeFailure, errorOf } from '../failures.js';
import { resolveAgentConfig } from './agent-config.js';
import { agentLoop } from './agent-loop.js';
import type { NodeExecutor } from './executor.js';
import { activitiesFor, cacheOf } from './node-activities.js';

/**
 * `agent`: one LLM call as an activity with the node's retry policy; when the
 * primary's attempts are spent, each `fallback` entry in turn (contract 3.3).
 * `attempts` counts every attempt, fallbacks included.
 */
export const agent: NodeExecutor<'agent'> = async (node, bindings, run) => {
  const { spec } = node;
  if (spec.agent.tools?.length) return agentLoop(node, bindings, run);
  const activities = activitiesFor(node);
  const configs = [spec.agent, ...(spec.fallback ?? []).map((entry) => ({ ...spec.agent, ...entry }))];
  let attempts = 0;
  let last: NodeError | undefined;
  for (const [i, raw] of configs.entries()) {
    let input: AgentActivityInput;
    const fallback = i === 0 ? null : i - 1;
    try {
      const { config, deferred } = resolveAgentConfig(raw, bindings, run);
      input = { nodeId: node.id, workflow: run.definition.name, attemptOffset: attempts, fallback, config, deferred, upstream: node.needs.length, ...cacheOf(spec) };
    } catch (err) {
      return failed(errorOf(err), { attempts: Math.max(attempts, 1) });
    }
    try {
      const result = await activities.runAgent(input);
      attempts += result.attempt;
      return succeeded(result.output, { attempts, costUsd: result.output.costUsd, fallback });
    } catch (err) {
      const failure = describeFailure(err, node.retry.maxAttempts);
      attempts += failure.attempts;
      if (failure.cancelled) throw err;
      last = failure.error;
    }
  }
  return failed(last!, { attempts });
};
