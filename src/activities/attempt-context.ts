import type { Context } from '@temporalio/activity';
import { scrubSecrets, streamScrubber, type SecretStore, type StreamScrubber } from './secrets.js';

/**
 * What an activity body gets from the attempt envelope: its value with secrets
 * revealed and the few handles on the running attempt it may need. Bodies never
 * reach for `Context.current()` themselves.
 */
export interface AttemptContext<V> {
  /** The activity's value with its deferred secret templates filled in. */
  readonly value: V;
  /** The run (workflow id) the attempt belongs to. */
  readonly runId: string;
  /** The Temporal attempt, 1-based. */
  readonly attempt: number;
  /** Aborts when the attempt is cancelled; pass it to network calls and child processes. */
  readonly signal: AbortSignal;
  /** What the previous attempt heartbeated last (undefined on a first attempt). */
  readonly lastHeartbeat: unknown;
  /** The attempt's own time limit (start to close) in milliseconds, if it has one. */
  readonly timeoutMs: number | undefined;
  /** Heartbeats now and makes `details` what the envelope's timer sends from then on (the next attempt sees them; not in a local activity). */
  heartbeat(details?: unknown): void;
  /** Sleeps, rejecting with a `CancelledFailure` on cancellation. */
  sleep(ms: number): Promise<void>;
  /**
   * A worker secret by name; the envelope scrubs its value from everything the attempt records or throws.
   * @throws ApplicationFailure SECRET_MISSING (non-retryable) naming the variable to set.
   */
  secret(name: string): string;
  /** Scrubs the secrets in play now, for a body that cuts text (a secret cut in two would escape the envelope's scrubbing). */
  scrub<T>(value: T): T;
  /** A scrubber for text that streams out in pieces (a secret may be cut between two). */
  scrubStream(): StreamScrubber;
}

/** The context of one attempt, and what the envelope reads back from it. */
export interface AttemptHandles<V> {
  ctx: AttemptContext<V>;
  /** Every secret value revealed so far, to scrub. */
  secrets: readonly string[];
  /** The details the body heartbeated last (at first, the previous attempt's). */
  heartbeatDetails(): unknown;
}

/** Builds an attempt's context over the activity's; `revealed` are the values already filled into `value`. */
export function createAttemptContext<V>(activity: Context, store: SecretStore, value: V, revealed: readonly string[]): AttemptHandles<V> {
  const secrets = [...revealed];
  let details: unknown = activity.info.heartbeatDetails;
  const ctx: AttemptContext<V> = {
    value,
    runId: activity.info.workflowExecution?.workflowId ?? 'unknown',
    attempt: activity.info.attempt,
    signal: activity.cancellationSignal,
    lastHeartbeat: activity.info.heartbeatDetails,
    timeoutMs: activity.info.startToCloseTimeoutMs || undefined,
    heartbeat(next) {
      details = next;
      // A local activity has no heartbeat: its details would reach no next attempt.
      if (!activity.info.isLocal) activity.heartbeat(next);
    },
    sleep: (ms) => activity.sleep(ms),
    secret(name) {
      const secret = store.require(name);
      if (!secrets.includes(secret)) secrets.push(secret);
      return secret;
    },
    scrub: (v) => scrubSecrets(v, secrets),
    scrubStream: () => streamScrubber(secrets),
  };
  return { ctx, secrets, heartbeatDetails: () => details };
}
