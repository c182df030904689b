import { proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { WeftActivities } from '../activities/contract.js';
import type { RunWorkflowResult, ScheduledRunInput } from './messages.js';
import { weftRun } from './run-workflow.js';

/** Preparing must outlast a database outage, like storing the outcome. */
const { prepareScheduledRun } = proxyLocalActivities<WeftActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * A run started by a schedule (contract weft-ops §5). The schedule fixed only
 * the workflow's name (and maybe a version) and the input, so the run resolves
 * the definition when it fires, checks the input, and records itself as an
 * ordinary run; then it is one, with this workflow's id as its run id. A run
 * whose input no longer validates is recorded as a failed run with the reason,
 * where operators look (`GET /runs`, the schedule's recent runs).
 */
export async function weftScheduledRun(args: ScheduledRunInput): Promise<RunWorkflowResult> {
  const { scheduleId, workflow, version, input, priority } = args;
  const info = workflowInfo();
  const prepared = await prepareScheduledRun({ runId: info.workflowId, startedAt: info.startTime.toISOString(), scheduleId, workflow, input, ...(version === undefined ? {} : { version }), ...(priority === undefined ? {} : { priority }) });
  if (!prepared.ok) return { status: 'failed', output: null, error: prepared.error, costUsd: 0 };
  return weftRun({
    definition: prepared.definition,
    input,
    workflow,
    version: prepared.version,
    ...(args.hooks ? { hooks: args.hooks } : {}),
    ...(args.segmentEvents === undefined ? {} : { segmentEvents: args.segmentEvents }),
    ...(args.engine === undefined ? {} : { engine: args.engine }),
  });
}
