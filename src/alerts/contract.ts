/**
 * What the alert workflows and the worker exchange, as types only: the
 * workflows import this file with `import type`.
 */

/** One notification's delivery: every channel of its rule, retried as configured. */
export interface AlertDeliveryInput {
  /** The notification's key (fingerprint, state, firing start, repeat): its idempotency key. */
  key: string;
  channels: string[];
  retry: { maxIntervalMs: number; attempts: number };
}

export interface AlertActivities {
  /** Evaluates every rule, stores what changed, and starts the deliveries due (and any left unstarted). */
  evaluateAlerts(): Promise<void>;
  /** Sends one notification to one channel; throws (and is retried) until the channel answers 2xx. */
  deliverAlert(input: { key: string; channel: string; attempts: number }): Promise<void>;
  /** Tells the plugins' `onAlert` hooks about one notification. */
  alertHook(input: { key: string }): Promise<void>;
}
