import type { Repositories } from '../db/repositories.js';
import type { Logger } from '../logger.js';
import { createAgentActivity } from './agents/agent-activity.js';
import { createOfflineProvider } from './agents/offline-provider.js';
import type { AgentProvider } from './agents/provider.js';
import type { WeftActivities } from './contract.js';
import { createFinishRunActivity } from './finish-run.js';
import { createExecutionRecorder } from './recorder.js';

export interface ActivityDeps {
  repos: Repositories;
  logger: Logger;
  /** Providers beyond the built-in offline one. */
  providers?: AgentProvider[];
}

/** Every activity the worker registers, built from its dependencies. */
export function createActivities(deps: ActivityDeps): WeftActivities {
  const providers = new Map([createOfflineProvider(), ...(deps.providers ?? [])].map((p) => [p.name, p]));
  const recorder = createExecutionRecorder({ executions: deps.repos.nodeExecutions, logger: deps.logger });
  return {
    runAgent: createAgentActivity({ providers, recorder }),
    finishRun: createFinishRunActivity({ runs: deps.repos.runs, executions: deps.repos.nodeExecutions }),
  };
}
