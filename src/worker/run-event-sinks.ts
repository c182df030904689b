import type { InjectedSinks } from '@temporalio/worker';
import type { RunEventsRepo } from '../db/run-events-repo.js';
import type { Logger } from '../logger.js';
import type { WeftSinks } from '../workflows/event-sink.js';

/**
 * The worker's side of the interpreter's event sink: stores the events for the
 * live streams. Best effort by design: a write that fails (the database is
 * down) is logged, and a client that reconnects gets a fresh snapshot; the
 * run's final event is written by `finishRun`, which retries until it lands.
 */
export function runEventSinks(events: RunEventsRepo, logger: Logger): InjectedSinks<WeftSinks> {
  return {
    runEvents: {
      append: {
        fn: (_info, runId, workflow, batch) => {
          events.append(runId, workflow, batch).catch((err: unknown) => logger.warn({ runId, err: (err as Error).message }, 'could not store run events'));
        },
        // Replay recomputes changes that were stored when they happened.
        callDuringReplay: false,
      },
    },
  };
}
