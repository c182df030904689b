import { proxyActivities } from '@temporalio/workflow';
import type { AlertActivities, AlertDeliveryInput } from '../alerts/contract.js';

const { evaluateAlerts } = proxyActivities<AlertActivities>({ startToCloseTimeout: '2 minutes', retry: { maximumAttempts: 3 } });

/**
 * The alerts evaluator (contract weft-ops §13): one run per tick of its
 * Temporal Schedule, which skips a tick while the previous run is still going,
 * so exactly one evaluation runs at a time however many workers poll.
 */
export async function weftAlertsEvaluation(): Promise<void> {
  await evaluateAlerts();
}

/**
 * Delivers one notification to each of its channels and to `onAlert`. Its
 * workflow id is the notification's key, so it runs once per notification;
 * each channel's attempts back off from 1 s to the configured maximum.
 */
export async function weftAlertDelivery(input: AlertDeliveryInput): Promise<void> {
  const { deliverAlert, alertHook } = proxyActivities<AlertActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: input.retry.maxIntervalMs, maximumAttempts: input.retry.attempts },
  });
  await Promise.all([
    // A channel that never answered is logged as failed by its last attempt; the others still go out.
    ...input.channels.map((channel) => deliverAlert({ key: input.key, channel, attempts: input.retry.attempts }).catch(() => undefined)),
    alertHook({ key: input.key }).catch(() => undefined),
  ]);
}
