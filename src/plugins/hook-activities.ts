import type { HookEvent } from './contract.js';
import type { HookDispatcher } from './hook-dispatcher.js';

/** The activity the interpreter schedules for hook events of nodes that run inside the workflow. */
export interface HookActivities {
  /** Delivers the events; never fails, so a retry only happens if the worker dies mid-delivery (same event ids). */
  deliverHooks(input: { events: HookEvent[] }): Promise<void>;
}

/** Builds the `deliverHooks` activity over a dispatcher. */
export function createHookActivities(dispatcher: HookDispatcher): HookActivities {
  return {
    deliverHooks: ({ events }) => dispatcher.deliver(events),
  };
}
