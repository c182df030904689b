import type { Logger } from '../logger.js';
import { withTimeout } from './with-timeout.js';

/** Who and when one attempt of a node activity is, as the envelope tells observers. */
export interface AttemptInfo {
  runId: string;
  workflow: string | null;
  nodeId: string;
  nodeType: string;
  /** The Temporal attempt (1-based, within this activity). */
  attempt: number;
  /** The node's attempt as records number it: `attemptOffset + attempt` (fallbacks number on). */
  nodeAttempt: number;
  fallback: number | null;
  startedAt: string;
}

/** Told of every attempt's start, success, failure (a cancelled attempt is a failure of type CANCELLED) and warnings. */
export interface AttemptObserver {
  started(info: AttemptInfo): Promise<void> | void;
  succeeded(info: AttemptInfo, output: unknown, costUsd: number | null): Promise<void> | void;
  failed(info: AttemptInfo, error: { type: string; message: string }, willRetry: boolean): Promise<void> | void;
  /** Something the attempt did not fail on but people should know (an unknown price). */
  warned(info: AttemptInfo, warning: string, index: number): Promise<void> | void;
  /** A cached node's attempt looked its result up: `hit` skips the body. */
  cacheLooked?(info: AttemptInfo, hit: boolean): Promise<void> | void;
}

type ObserverEvent = keyof AttemptObserver;
type ObserverArgs<K extends ObserverEvent> = Parameters<NonNullable<AttemptObserver[K]>>;

/**
 * One observer telling each of `observers` every event, all of them even when
 * one throws (the first error is rethrown, for `tellObserver` to log); undefined
 * when there is none, so attempts report to no one.
 */
export function composeObservers(observers: readonly (AttemptObserver | undefined)[]): AttemptObserver | undefined {
  const present = observers.filter((o): o is AttemptObserver => o !== undefined);
  if (present.length <= 1) return present[0];
  const tellAll =
    <K extends ObserverEvent>(event: K) =>
    async (...args: ObserverArgs<K>): Promise<void> => {
      // Async, so an observer that throws at once leaves the others told.
      const results = await Promise.allSettled(present.map(async (o) => (o[event] as ((...a: ObserverArgs<K>) => unknown) | undefined)?.apply(o, args)));
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
    };
  return { started: tellAll('started'), succeeded: tellAll('succeeded'), failed: tellAll('failed'), warned: tellAll('warned'), cacheLooked: tellAll('cacheLooked') };
}

/** An observer that takes longer than this is left behind; the attempt goes on. */
const OBSERVER_TIMEOUT_MS = 5_000;

/**
 * Calls an observer without letting it touch the attempt: whatever it throws
 * (or a hang) is logged, because observing must never fail, and so re-run, the
 * node's side effect.
 */
export async function tellObserver<K extends ObserverEvent>(observer: AttemptObserver | undefined, logger: Logger, event: K, ...args: ObserverArgs<K>): Promise<void> {
  const method = observer?.[event] as ((this: AttemptObserver, ...a: typeof args) => Promise<void> | void) | undefined;
  if (!observer || !method) return;
  try {
    await withTimeout(Promise.resolve(method.apply(observer, args)), OBSERVER_TIMEOUT_MS);
  } catch (err) {
    const [info] = args;
    logger.warn({ runId: info.runId, nodeId: info.nodeId, attempt: info.nodeAttempt, event, err: (err as Error).message }, 'attempt observer failed; the attempt goes on');
  }
}
