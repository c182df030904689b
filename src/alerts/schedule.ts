import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';

/**
 * The evaluator's Schedule id: one per task queue, i.e. per Weft deployment in
 * a namespace. Not `weft-…`, the prefix of the schedules `/schedules` manages.
 */
export function alertsScheduleId(taskQueue: string): string {
  return `weft_alerts:${taskQueue}`;
}

/**
 * Makes sure the alerts evaluator's Temporal Schedule exists with this
 * interval. Every worker calls it at start; Temporal keeps one Schedule per id,
 * so the processes that lose the race find it there (and set its interval).
 * Overlap `skip`: a tick that finds the last evaluation running starts none.
 */
export async function ensureAlertsSchedule(client: Client, taskQueue: string, intervalMs: number): Promise<void> {
  const scheduleId = alertsScheduleId(taskQueue);
  const spec = { intervals: [{ every: intervalMs }] };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action: { type: 'startWorkflow', workflowType: 'weftAlertsEvaluation', taskQueue, workflowId: `weft_alerts_eval:${taskQueue}`, workflowExecutionTimeout: '10 minutes' },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    const handle = client.schedule.getHandle(scheduleId);
    const current = await handle.describe();
    const every = current.spec.intervals?.[0]?.every;
    if (every !== undefined && Number(every) === intervalMs) return;
    await handle.update((s) => ({ ...s, spec }));
  }
}
