import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { AlertRetry } from '../activities/settings.js';
import type { AlertsRepo } from '../db/alerts/alerts-repo.js';

/** Where deliveries are started. */
export interface DispatchTarget {
  client: Client;
  taskQueue: string;
  retry: AlertRetry;
}

/** The delivery workflow's id for a notification: one workflow per notification, ever. */
export function deliveryWorkflowId(key: string): string {
  return `weft-alert-${key}`;
}

/**
 * Starts the delivery workflow of each notification. Its id is the
 * notification's key and a finished id is never reused, so two processes
 * dispatching the same notification start one delivery.
 */
export async function dispatchNotifications(target: DispatchTarget, alerts: AlertsRepo, keys: readonly string[]): Promise<void> {
  for (const key of keys) {
    const channels = await alerts.channelsOf(key);
    try {
      await target.client.workflow.start('weftAlertDelivery', {
        workflowId: deliveryWorkflowId(key),
        taskQueue: target.taskQueue,
        args: [{ key, channels, retry: target.retry }],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    await alerts.markDispatched(key);
  }
}
