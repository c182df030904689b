import { runEvent } from '../dag/run-events.js';
import type { RunError } from '../dag/run-state.js';
import { RunErrorCode } from '../dag/failure-types.js';
import { RUN_PRIORITY } from '../dag/priority.js';
import { formatWorkflowRef } from '../dag/workflow-ref.js';
import type { RunEventsRepo } from '../db/run-events-repo.js';
import type { BudgetsRepo } from '../db/budgets-repo.js';
import type { RunsRepo } from '../db/runs-repo.js';
import type { WorkflowsRepo } from '../db/workflows-repo.js';
import { schemaViolations } from '../json-schema/validator.js';
import type { PreparedScheduledRun, PrepareScheduledRunInput } from './contract.js';

interface ScheduledRunDeps {
  workflows: WorkflowsRepo;
  runs: RunsRepo;
  events: RunEventsRepo;
  budgets: BudgetsRepo;
}

/**
 * Builds `prepareScheduledRun`: what the API does for a start, done by the run a
 * schedule fired. It resolves the workflow (its latest version unless pinned),
 * checks the input against its schema and the workflow's period budgets, and
 * records the run with its start event, or, when a check fails, a failed run
 * that says why. Idempotent:
 * a retry finds the run it recorded.
 */
export function createScheduledRunActivity(deps: ScheduledRunDeps) {
  return async function prepareScheduledRun(input: PrepareScheduledRunInput): Promise<PreparedScheduledRun> {
    const { runId, scheduleId, workflow } = input;
    const existing = await deps.runs.get(runId);
    if (existing?.status === 'failed' && existing.error) return { ok: false, error: existing.error };
    const stored = await deps.workflows.get(workflow, input.version);
    if (!stored) return refuse({ code: RunErrorCode.UnknownWorkflow, message: `schedule ${scheduleId}: no stored workflow ${formatWorkflowRef(workflow, input.version)}` });
    const violations = stored.definition.input ? schemaViolations(stored.definition.input, input.input) : [];
    if (violations.length > 0) {
      const problems = violations.map((v) => `${v.path} ${v.message}`).join('; ');
      return refuse({ code: RunErrorCode.InputInvalid, message: `schedule ${scheduleId}: the input no longer matches ${formatWorkflowRef(workflow, stored.version)}'s input schema: ${problems}` }, stored.version);
    }
    // A spent `block` budget refuses new runs of the workflow, scheduled ones too (contract weft-ops §7).
    const blocking = existing ? undefined : await deps.budgets.blocking(workflow);
    if (blocking) {
      const { period, spentUsd, limitUsd } = blocking;
      return refuse({ code: RunErrorCode.BudgetExceeded, message: `schedule ${scheduleId}: the ${period} budget ${blocking.workflow} is spent ($${spentUsd} of $${limitUsd})` }, stored.version);
    }
    const { row, created } = await deps.runs.insert({
      id: runId,
      workflowName: workflow,
      workflowVersion: stored.version,
      definition: null,
      input: input.input,
      // The run id is unique already; the key makes a retried insert find this run.
      idempotencyKey: `schedule:${runId}`,
      createdBy: `schedule:${scheduleId}`,
      trigger: { type: 'schedule', scheduleId },
      priority: input.priority ?? RUN_PRIORITY.default,
      startedAt: new Date(input.startedAt),
    });
    if (created) {
      const startedAt = row.startedAt.toISOString();
      await deps.events.append(runId, workflow, [runEvent({ runId, workflow, version: stored.version, status: 'running', degraded: false, costUsd: 0, error: null, startedAt, endedAt: null }, 'start')]);
    }
    return { ok: true, definition: stored.definition, version: stored.version };

    /** Records the refused run as failed, with its start and end events, so operators see it. */
    async function refuse(error: RunError, version: number | null = null): Promise<PreparedScheduledRun> {
      const at = input.startedAt;
      const run = { id: runId, workflow, version, status: 'failed' as const, degraded: false, input: input.input, output: null, error, costUsd: 0, startedAt: at, endedAt: at };
      await deps.runs.finish(run, { createdBy: `schedule:${scheduleId}`, trigger: { type: 'schedule', scheduleId } });
      const data = { runId, workflow, version, status: run.status, degraded: false, costUsd: 0, error, startedAt: at, endedAt: at };
      await deps.events.append(runId, workflow, [runEvent({ ...data, status: 'running', error: null, endedAt: null }, 'start'), runEvent(data, 'end')]);
      return { ok: false, error };
    }
  };
}
