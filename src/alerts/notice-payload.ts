import type { AlertRuleRow } from '../db/schema/alerts.js';
import type { AlertRecord, Notice } from './lifecycle.js';

/** What every channel and `onAlert` receive for one notice (webhooks: this JSON, signed). */
export interface AlertNotification {
  type: 'alert';
  /** The idempotency key: the same on every retry of this notice. */
  key: string;
  state: 'firing' | 'resolved';
  at: string;
  /** 1 for the first notice of a firing, then 2, 3… for repeats and grown groups. */
  repeat: number;
  rule: { id: string; name: string; kind: string; severity: string };
  alert: {
    fingerprint: string;
    labels: Record<string, string>;
    summary: string;
    value: number | null;
    evidence: Record<string, unknown>;
    activeSince: string;
    firingSince: string | null;
    resolvedAt: string | null;
  };
}

/** The notification of `notice` for an alert as it stands after the step. */
export function notificationOf(rule: AlertRuleRow, alert: AlertRecord, notice: Notice, now: Date): AlertNotification {
  return {
    type: 'alert',
    key: notice.key,
    state: notice.state,
    at: now.toISOString(),
    repeat: notice.state === 'firing' ? alert.notices : 0,
    rule: { id: rule.id, name: rule.name, kind: rule.kind, severity: rule.severity },
    alert: {
      fingerprint: alert.fingerprint,
      labels: alert.labels,
      summary: alert.summary,
      value: alert.value,
      evidence: alert.evidence,
      activeSince: alert.activeSince.toISOString(),
      firingSince: alert.firingSince?.toISOString() ?? null,
      resolvedAt: alert.resolvedAt?.toISOString() ?? null,
    },
  };
}

/** Slack's incoming-webhook body for a notification. */
export function slackMessage(n: AlertNotification): { text: string } {
  const icon = n.state === 'resolved' ? ':white_check_mark:' : n.rule.severity === 'critical' ? ':rotating_light:' : ':warning:';
  const labels = Object.entries(n.alert.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return { text: `${icon} [${n.state.toUpperCase()}] ${n.rule.name} (${n.rule.severity}) ${labels}\n${n.alert.summary}` };
}
