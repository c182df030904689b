import type { Metric } from 'prom-client';
// prom-client's own key for a series in a metric's `hashMap` (no `exports` map, so the module is reachable).
// @ts-expect-error: an untyped internal module; the exposition tests fail first if an upgrade changes it.
import { hashObject } from 'prom-client/lib/util.js';

type Labels = Record<string, string | number>;

/** The metric shape prom-client 15 keeps (see series-text.ts): its sorted label names key its series. */
interface Keyed {
  sortedLabelNames?: string[];
}

/** Every series of a metric changed (a reset replaced them, or a removal named them by position). */
export const ALL = 'all';

/**
 * Which series changed since the exposition last asked. prom-client has no
 * change events, and finding changes by walking every series costs tens of
 * milliseconds with 1,000 workflows' label sets; so each of Weft's metrics
 * reports its own updates here (`watch`), and a scrape re-renders only those.
 */
export class SeriesChanges {
  private changed = new Map<object, Set<string> | typeof ALL>();
  private listener: (() => void) | null = null;

  /** Calls `listener` on the first change after each `take` (one listener: the exposition's). */
  listen(listener: () => void): void {
    this.listener = listener;
  }

  /** The series `labels` names in `metric` changed. */
  mark(metric: Metric, labels: Labels): void {
    if (this.changed.size === 0) this.listener?.();
    const known = this.changed.get(metric);
    if (known === ALL) return;
    const key = hashObject(labels, (metric as Keyed).sortedLabelNames) as string;
    if (known) known.add(key);
    else this.changed.set(metric, new Set([key]));
  }

  /** Every series of `metric` may have changed. */
  markAll(metric: Metric): void {
    if (this.changed.size === 0) this.listener?.();
    this.changed.set(metric, ALL);
  }

  /** The changes since the last call, by metric; forgets them. */
  take(): Map<object, Set<string> | typeof ALL> {
    const changed = this.changed;
    this.changed = new Map();
    return changed;
  }
}

/** Methods that change one series, named by a labels object in first place (or none: the unlabelled series). */
const UPDATES = ['inc', 'dec', 'set', 'observe', 'zero'] as const;
/** Methods that may change any series. */
const RESETS = ['reset', 'remove'] as const;

/**
 * Makes `metric` report every update to `changes`, by wrapping its update
 * methods on the instance (prom-client binds `labels()` children and timers
 * to these same instance methods, so they report too). Returns the metric.
 */
export function watch<M extends Metric>(metric: M, changes: SeriesChanges): M {
  const target = metric as unknown as Record<string, unknown>;
  for (const name of UPDATES) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    target[name] = function (this: unknown, ...args: unknown[]) {
      const result: unknown = original.apply(metric, args);
      const first = args[0];
      changes.mark(metric, first !== null && typeof first === 'object' ? (first as Labels) : {});
      return result;
    };
  }
  for (const name of RESETS) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    target[name] = function (this: unknown, ...args: unknown[]) {
      const result: unknown = original.apply(metric, args);
      changes.markAll(metric);
      return result;
    };
  }
  return metric;
}
