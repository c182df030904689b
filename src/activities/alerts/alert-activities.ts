import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AlertActivities } from '../../alerts/contract.js';
import { dispatchNotifications } from '../../alerts/dispatch.js';
import { evaluateAlerts, RUN_END_KINDS } from '../../alerts/evaluate.js';
import { slackMessage, type AlertNotification } from '../../alerts/notice-payload.js';
import type { AlertsRepo } from '../../db/alerts/alerts-repo.js';
import type { BudgetsRepo } from '../../db/budgets-repo.js';
import { FailureType } from '../../dag/failure-types.js';
import type { RunSnapshot } from '../../dag/run-state.js';
import type { Logger } from '../../logger.js';
import { alertNotifications } from '../../metrics/registry.js';
import { HookName } from '../../plugins/contract.js';
import type { HookDispatcher } from '../../plugins/hook-dispatcher.js';
import { webhookSignature } from '../../plugins/webhook/plugin.js';
import type { AlertRetry } from '../settings.js';

interface AlertActivityDeps {
  alerts: AlertsRepo;
  budgets: Pick<BudgetsRepo, 'status'>;
  hooks: HookDispatcher;
  retry: AlertRetry;
  logger: Logger;
}

/** A channel that does not answer within this long counts as down for that attempt. */
const DELIVERY_TIMEOUT_MS = 10_000;

/** Where the current activity's worker starts deliveries: its own client and task queue. */
function target(retry: AlertRetry) {
  const ctx = Context.current();
  return { client: ctx.client, taskQueue: ctx.info.taskQueue, retry };
}

/** The alert activities, and what a run's end calls to check `run_failed`, `cost_spike` and `budget` at once. */
export function createAlertActivities(deps: AlertActivityDeps): AlertActivities & { onRunEnded(run: RunSnapshot): Promise<void> } {
  const { alerts } = deps;
  return {
    async evaluateAlerts() {
      const keys = await evaluateAlerts(deps);
      // Notices a run's end stored but could not start (its worker died in between) go out here.
      const left = (await alerts.undispatched()).map((n) => n.key).filter((k) => !keys.includes(k));
      await dispatchNotifications(target(deps.retry), alerts, [...keys, ...left]);
    },

    async deliverAlert({ key, channel: name, attempts }) {
      const delivery = await alerts.delivery(key, name);
      if (!delivery || delivery.status === 'delivered') return;
      const [notification, channel] = await Promise.all([alerts.notification(key), alerts.channel(name)]);
      if (!notification || !channel) {
        await alerts.recordAttempt(key, name, { delivered: false, error: `channel ${name} does not exist`, final: true });
        throw ApplicationFailure.create({ type: FailureType.ConfigInvalid, message: `channel ${name} does not exist`, nonRetryable: true });
      }
      // In order per channel: a resolve (or repeat) waits while the notice before it is still being retried.
      if (await alerts.earlierPending(notification, name)) {
        throw ApplicationFailure.create({ type: FailureType.HttpError, message: `an earlier notice of this alert to ${name} is not delivered yet` });
      }
      const payload = notification.payload as unknown as AlertNotification;
      const body = JSON.stringify(channel.type === 'slack' ? slackMessage(payload) : payload);
      const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': key, 'x-weft-event': 'alert' };
      if (channel.secret && channel.type === 'webhook') headers['x-weft-signature'] = webhookSignature(channel.secret, body);
      const final = Context.current().info.attempt >= attempts;
      let failure: string;
      let status: number | undefined;
      try {
        const response = await fetch(channel.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) });
        await response.body?.cancel();
        status = response.status;
        if (response.ok) {
          await alerts.recordAttempt(key, name, { delivered: true, responseStatus: status });
          alertNotifications.inc({ channel: name, status: 'delivered' });
          return;
        }
        failure = `${channel.type} channel ${name} answered ${status}`;
      } catch (err) {
        failure = `${channel.type} channel ${name}: ${(err as Error).message}`;
      }
      await alerts.recordAttempt(key, name, { delivered: false, error: failure, ...(status === undefined ? {} : { responseStatus: status }), final });
      alertNotifications.inc({ channel: name, status: 'failed' });
      throw ApplicationFailure.create({ type: FailureType.HttpError, message: failure });
    },

    async alertHook({ key }) {
      const notification = await alerts.notification(key);
      if (!notification) return;
      const payload = notification.payload as unknown as AlertNotification;
      await deps.hooks.deliver([
        { eventId: key, type: HookName.OnAlert, at: payload.at, runId: payload.alert.labels.runId ?? '', workflow: payload.alert.labels.workflow ?? '*', alert: payload },
      ]);
    },

    async onRunEnded(run) {
      try {
        const keys = await evaluateAlerts(deps, { kinds: RUN_END_KINDS, workflow: run.workflow });
        if (keys.length > 0) await dispatchNotifications(target(deps.retry), alerts, keys);
      } catch (err) {
        // The scheduled evaluation finds the same conditions (and any notice stored but not started): a run's end never fails for alerts.
        deps.logger.warn({ runId: run.id, err: (err as Error).message }, 'could not check the ended run for alerts');
      }
    },
  };
}
