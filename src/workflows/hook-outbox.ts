import { CancellationScope, proxyActivities } from '@temporalio/workflow';
import type { NodeRecord, RunError } from '../dag/run-state.js';
import type { WeftActivities } from '../activities/contract.js';
import type { HookEvent, HookName } from '../plugins/contract.js';

const { deliverHooks } = proxyActivities<WeftActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
});

/**
 * Hook events of what happens inside the workflow (nodes that run without an
 * activity, a budget that stops the run), delivered to the worker's plugins by
 * an activity. Only a run started with hooks has an outbox, so a run without
 * hooks schedules nothing extra. Deliveries never fail the run and are not
 * cancelled with the nodes; the run waits for them before it ends. Event ids are stable: a replayed or retried
 * delivery carries the same one.
 */
export class HookOutbox {
  private readonly wanted: ReadonlySet<HookName>;
  private readonly deliveries: Promise<void>[] = [];

  constructor(
    hooks: readonly HookName[],
    private readonly runId: string,
    private readonly workflow: string,
  ) {
    this.wanted = new Set(hooks);
  }

  /** A node that runs inside the workflow started. */
  started(nodeId: string, node: NodeRecord): void {
    this.send({ eventId: `${this.runId}:${nodeId}:beforeNode`, type: 'beforeNode', nodeId, node });
  }

  /** A node that runs inside the workflow ended (one attempt: it has no retries). */
  ended(nodeId: string, node: NodeRecord): void {
    if (node.status === 'succeeded') this.send({ eventId: `${this.runId}:${nodeId}:afterNode`, type: 'afterNode', nodeId, node });
    else if (node.error && node.status !== 'cancelled') this.send({ eventId: `${this.runId}:${nodeId}:1:onNodeError`, type: 'onNodeError', nodeId, node, error: node.error, attempt: 1 });
  }

  /** The run's budget stopped it. */
  budget(error: RunError, budgetUsd: number | undefined, spentUsd: number): void {
    this.send({ eventId: `${this.runId}:budget`, type: 'onBudget', budget: { scope: 'run', limitUsd: budgetUsd ?? null, spentUsd, message: error.message } });
  }

  /** Waits for every delivery; a failed one is dropped (hooks observe, they never fail a run). */
  async flush(): Promise<void> {
    await Promise.all(this.deliveries);
  }

  private send(event: Omit<HookEvent, 'at' | 'runId' | 'workflow'>): void {
    if (!this.wanted.has(event.type)) return;
    const events = [{ ...event, at: new Date().toISOString(), runId: this.runId, workflow: this.workflow }];
    // Outside the nodes' scope: a fail-fast cancellation must not cancel the report of what happened.
    this.deliveries.push(CancellationScope.nonCancellable(() => deliverHooks({ events })).catch(() => {}));
  }
}
