import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../dag/failure-types.js';
import type { Repositories } from '../db/repositories.js';
import type { Logger } from '../logger.js';
import { createAgentActivity } from './agents/agent-activity.js';
import type { AttemptDeps } from './attempt.js';
import type { AttemptObserver } from './attempt-observer.js';
import { createAnthropicProvider } from './agents/anthropic-provider.js';
import { createOfflineProvider } from './agents/offline-provider.js';
import { createOpenAiProvider } from './agents/openai-provider.js';
import type { WeftActivities } from './contract.js';
import { createExecActivity } from './exec/exec-activity.js';
import { createRunStoreActivities } from './run-store.js';
import { createHttpActivity } from './http/http-activity.js';
import { createLoadWorkflowActivity } from './load-workflow.js';
import { createExecutionRecorder } from './recorder.js';
import type { ActivitySettings } from './settings.js';

export interface ActivityDeps {
  repos: Repositories;
  logger: Logger;
  settings: ActivitySettings;
  /** Told of every node activity attempt (start, success, failure). */
  observer?: AttemptObserver;
}

/** Every activity the worker registers, built from its dependencies. */
export function createActivities(deps: ActivityDeps): WeftActivities {
  const { settings, logger } = deps;
  const providers = new Map(
    [
      createOfflineProvider(),
      createAnthropicProvider({ baseUrl: settings.anthropicBaseUrl, secrets: settings.secrets }),
      createOpenAiProvider({ baseUrl: settings.openaiBaseUrl, secrets: settings.secrets }),
    ].map((p) => [p.name, p]),
  );
  const envelope: AttemptDeps = {
    recorder: createExecutionRecorder({ executions: deps.repos.nodeExecutions, logger }),
    secrets: settings.secrets,
    logger,
    cache: deps.repos.cache,
    ...(deps.observer ? { observer: deps.observer } : {}),
  };
  return {
    runAgent: createAgentActivity({ providers, pricing: settings.pricing, tiers: settings.tiers, logger, envelope }),
    runHttp: createHttpActivity({
      policy: { allowPrivate: settings.http.allowPrivate, allowHosts: settings.http.allowHosts },
      maxResponseBytes: settings.http.maxResponseBytes,
      envelope,
    }),
    runExec: createExecActivity({ ...settings.exec, envelope }),
    ...createRunStoreActivities({ runs: deps.repos.runs, runNodes: deps.repos.runNodes, executions: deps.repos.nodeExecutions }),
    loadWorkflow: createLoadWorkflowActivity({ workflows: deps.repos.workflows }),
    runPlugin: async (input) => {
      throw ApplicationFailure.create({ type: FailureType.UnknownNodeType, message: `node type ${input.type} is not loaded on this worker (no plugins are loaded)`, nonRetryable: true });
    },
    deliverHooks: async () => {},
  };
}
