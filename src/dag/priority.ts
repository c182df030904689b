import { z } from 'zod';

/**
 * A run's priority: 1 (most urgent) to 5 (batch), 3 when none is given, the
 * scale Temporal's task priority uses, so what an operator reads in Weft and in
 * Temporal's UI is the same number. It orders the run's workflow and activity
 * tasks waiting in a backlogged task queue; it preempts nothing already running.
 */
export const RUN_PRIORITY = { highest: 1, lowest: 5, default: 3 } as const;

/** `priority` on `POST /runs`, on schedules and in a definition's `limits`. */
export const prioritySchema = z.int().min(RUN_PRIORITY.highest).max(RUN_PRIORITY.lowest);

/** The priority a run gets: the one it was started with, else its definition's `limits.priority`, else the default. */
export function runPriority(given: number | undefined, limits: { priority?: number | undefined } | undefined): number {
  return given ?? limits?.priority ?? RUN_PRIORITY.default;
}

/**
 * Temporal's task priority for a Weft priority. Temporal's `priorityKey` runs
 * from 1 (first) to 5 by default, as Weft's does: the mapping is the identity,
 * kept in this one place so that a change of either scale changes only it.
 * Activities and child workflows inherit their workflow's priority.
 */
export function temporalPriority(priority: number): { priorityKey: number } {
  return { priorityKey: priority };
}
