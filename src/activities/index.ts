import type { Repositories } from '../db/repositories.js';
import type { Logger } from '../logger.js';
import type { RunSnapshot } from '../dag/run-state.js';
import { HookName, type HookEvent } from '../plugins/contract.js';
import { budgetAlerts } from '../plugins/budget-alerts.js';
import { createHookActivities } from '../plugins/hook-activities.js';
import { HookDispatcher } from '../plugins/hook-dispatcher.js';
import { hookObserver } from './observers/hook-observer.js';
import { PluginRegistry } from '../plugins/registry.js';
import type { AlertActivities } from '../alerts/contract.js';
import { RUN_END_KINDS } from '../alerts/evaluate.js';
import { createAlertActivities } from './alerts/alert-activities.js';
import { createAgentActivity } from './agents/agent-activity.js';
import { createMcpActivities } from './agents/mcp-activities.js';
import { TextStreams } from './agents/text-stream.js';
import { createTurnActivity } from './agents/turn-activity.js';
import { createMcpClient } from './mcp/mcp-client.js';
import type { AttemptDeps } from './attempt.js';
import { composeObservers } from './attempt-observer.js';
import { createAnthropicProvider } from './agents/anthropic-provider.js';
import { createOfflineProvider } from './agents/offline-provider.js';
import { createOpenAiProvider } from './agents/openai-provider.js';
import type { WeftActivities } from './contract.js';
import { createExecActivity } from './exec/exec-activity.js';
import { metricsObserver } from './observers/attempt-metrics.js';
import { createRunStoreActivities } from './run-store.js';
import { runEndReader, type RunEnd } from './run-end.js';
import { runEndCriticalPath } from './run-end-critical-path.js';
import { runEndMetrics } from './run-end-metrics.js';
import { createHttpActivity } from './http/http-activity.js';
import { createLoadWorkflowActivity } from './load-workflow.js';
import { createScheduledRunActivity } from './scheduled-run.js';
import { createPluginActivity } from './plugin/plugin-activity.js';
import { createExecutionRecorder } from './recorder.js';
import type { ActivitySettings } from './settings.js';

export interface ActivityDeps {
  repos: Repositories;
  logger: Logger;
  settings: ActivitySettings;
  /** The loaded plugins: their node types run in `runPlugin` (default: none). */
  plugins?: PluginRegistry;
  /** Delivers the plugins' hook events, node attempts' from here and in-workflow nodes' through `deliverHooks` (default: to `plugins`). */
  hooks?: HookDispatcher;
}

/** The `onRunComplete` event of a run whose final state is stored; its id is the same on a retried finishRun. */
function runComplete(run: RunSnapshot): HookEvent {
  return { eventId: `${run.id}:onRunComplete`, type: HookName.OnRunComplete, at: run.endedAt ?? new Date().toISOString(), runId: run.id, workflow: run.workflow, run };
}

const NODE_HOOKS: ReadonlySet<string> = new Set([HookName.BeforeNode, HookName.AfterNode, HookName.OnNodeError]);

/** Every activity the worker registers, built from its dependencies. */
export function createActivities(deps: ActivityDeps): WeftActivities & AlertActivities {
  const { settings, logger } = deps;
  const plugins = deps.plugins ?? PluginRegistry.empty();
  const hooks = deps.hooks ?? new HookDispatcher(plugins, { logger });
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
    // Without a node hook loaded, attempts report to the metrics alone.
    observer: composeObservers([metricsObserver(), plugins.hookNames().some((h) => NODE_HOOKS.has(h)) ? hookObserver(hooks) : undefined]),
  };
  const { onRunEnded, ...alertActivities } = createAlertActivities({ alerts: deps.repos.alerts, budgets: deps.repos.budgets, hooks, retry: settings.alertRetry, logger });
  // What a stored run's end tells: the alert rules it may fire at once, then the plugins when a hook listens (its completion, the budgets it crossed).
  const onFinished = [
    (run: RunSnapshot, alerting: boolean) => (alerting ? onRunEnded(run) : Promise.resolve()),
    ...(plugins.hookNames().includes(HookName.OnRunComplete) ? [(run: RunSnapshot) => hooks.deliver([runComplete(run)])] : []),
    ...(plugins.hookNames().includes(HookName.OnBudget) ? [budgetAlerts(deps.repos.budgets, hooks)] : []),
  ];
  const readRunEnd = runEndReader({ runNodes: deps.repos.runNodes, workflows: deps.repos.workflows });
  const countRunEnd = runEndMetrics({ logger });
  const storeCriticalPath = runEndCriticalPath({ criticalPaths: deps.repos.criticalPaths, logger });
  return {
    runAgent: createAgentActivity({ providers, pricing: settings.pricing, tiers: settings.tiers, logger, envelope }),
    agentTurn: createTurnActivity({
      providers,
      pricing: settings.pricing,
      tiers: settings.tiers,
      logger,
      conversations: deps.repos.conversations,
      envelope,
      events: deps.repos.runEvents,
      text: new TextStreams(
        (payload) => deps.repos.runEvents.notifyText(payload),
        (err) => logger.warn({ err: (err as Error).message }, 'could not send streamed text'),
      ),
    }),
    runHttp: createHttpActivity({
      policy: { allowPrivate: settings.http.allowPrivate, allowHosts: settings.http.allowHosts },
      maxResponseBytes: settings.http.maxResponseBytes,
      envelope,
    }),
    runExec: createExecActivity({ ...settings.exec, envelope }),
    ...createMcpActivities({
      client: createMcpClient({
        stdio: settings.mcp.stdio,
        workspace: settings.exec.workspace,
        envAllow: settings.exec.envAllow,
        sandboxReadOnly: settings.exec.sandboxReadOnly,
        policy: { allowPrivate: settings.http.allowPrivate, allowHosts: settings.http.allowHosts },
      }),
      envelope,
    }),
    ...createRunStoreActivities({
      runs: deps.repos.runs,
      runNodes: deps.repos.runNodes,
      executions: deps.repos.nodeExecutions,
      events: deps.repos.runEvents,
      onStored: async (snapshot, finished) => {
        let end: RunEnd;
        try {
          end = await readRunEnd(snapshot, finished);
        } catch (err) {
          // Never a failed run end: the metrics miss this run, and its critical path is computed when first asked.
          logger.warn({ runId: snapshot.id, err: (err as Error).message }, 'could not read the ended run for its metrics and critical path');
          return;
        }
        countRunEnd(end);
        storeCriticalPath(end);
      },
      alerting: (workflow) => deps.repos.alerts.watching(RUN_END_KINDS, workflow),
      onFinished: async (run, alerting) => {
        for (const tell of onFinished) await tell(run, alerting);
      },
    }),
    loadWorkflow: createLoadWorkflowActivity({ workflows: deps.repos.workflows }),
    prepareScheduledRun: createScheduledRunActivity({ workflows: deps.repos.workflows, runs: deps.repos.runs, events: deps.repos.runEvents, budgets: deps.repos.budgets }),
    runPlugin: createPluginActivity({ registry: plugins, logger, envelope }),
    ...createHookActivities(hooks),
    ...alertActivities,
  };
}
