import { failed, succeeded, type NodeOutcome } from '../../dag/outcome.js';
import type { NodeError } from '../../dag/run-state.js';
import type { AgentConfig } from '../../dag/schema.js';
import type { AgentActivityInput, WeftActivities } from '../../activities/contract.js';
import type { PlanNodeOf } from '../../dag/plan.js';
import { describeFailure, errorOf } from '../failures.js';
import { resolveAgentConfig } from './agent-config.js';
import { agentLoop } from './agent-loop.js';
import type { NodeExecutor, RunContext } from './executor.js';
import { activitiesFor, cacheOf } from './node-activities.js';

/**
 * `agent`: one LLM call as an activity with the node's retry policy; when the
 * primary's attempts are spent, each `fallback` entry in turn (contract 3.3).
 * `attempts` counts every attempt, fallbacks included.
 *
 * No `async`: each try is the activity's promise and one `then`, because the
 * SDK captures a stack trace for every promise workflow code creates. A
 * fallback's activity is scheduled in the same microtask an `await` loop
 * would schedule it in, so command order is what recorded histories replay.
 */
export const agent: NodeExecutor<'agent'> = (node, bindings, run) => {
  const { spec } = node;
  if (spec.agent.tools?.length) return agentLoop(node, bindings, run);
  const configs = [spec.agent, ...(spec.fallback ?? []).map((entry) => ({ ...spec.agent, ...entry }))];
  return attempt({ node, bindings, run, configs, activities: activitiesFor(node) }, 0, 0);
};

interface Tries {
  node: PlanNodeOf<'agent'>;
  bindings: object;
  run: RunContext;
  configs: AgentConfig[];
  activities: WeftActivities;
}

/** Tries `configs[i]` after `attempts` attempts of the earlier ones; `last` is the previous try's error. */
function attempt(tries: Tries, i: number, attempts: number, last?: NodeError): Promise<NodeOutcome> | NodeOutcome {
  const { node, bindings, run, configs, activities } = tries;
  if (i === configs.length) return failed(last!, { attempts });
  const fallback = i === 0 ? null : i - 1;
  let input: AgentActivityInput;
  try {
    const { config, deferred } = resolveAgentConfig(configs[i]!, bindings, run);
    input = { nodeId: node.id, workflow: run.definition.name, attemptOffset: attempts, fallback, config, deferred, upstream: node.needs.length, ...cacheOf(node.spec) };
  } catch (err) {
    return failed(errorOf(err), { attempts: Math.max(attempts, 1) });
  }
  return activities.runAgent(input).then(
    (result) => succeeded(result.output, { attempts: attempts + result.attempt, costUsd: result.output.costUsd, fallback }),
    (err: unknown) => {
      const failure = describeFailure(err, node.retry.maxAttempts);
      if (failure.cancelled) throw err;
      return attempt(tries, i + 1, attempts + failure.attempts, failure.error);
    },
  );
}
