import type { InjectedSinks } from '@temporalio/worker';
import type { RunEvent } from '../dag/run-events.js';
import type { RunEventsRepo } from '../db/run-events-repo.js';
import type { Logger } from '../logger.js';
import { toolCallDuration, toolCalls } from '../metrics/registry.js';
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
          events
            .append(runId, workflow, batch)
            .then(countToolCalls)
            .catch((err: unknown) => logger.warn({ runId, err: (err as Error).message }, 'could not store run events'));
        },
        // Replay recomputes changes that were stored when they happened.
        callDuringReplay: false,
      },
    },
  };
}

/**
 * Counts settled tool calls (`weft_tool_calls_total`, `weft_tool_call_duration_seconds`)
 * from the `tool_result` events this call stored first. Workflow code cannot
 * reach the metrics, and a call's activity does not see an approval's rejection
 * or a sub-agent's end; its stored event does, exactly once (a retried workflow
 * task reports it again, but the dedup key stores it once). A call whose event
 * could not be stored is not counted.
 */
function countToolCalls(stored: RunEvent[]): void {
  for (const event of stored) {
    if (event.kind !== 'agent' || event.data.kind !== 'tool_result' || event.data.toolKind === null) continue;
    const { toolKind: kind, status, durationMs } = event.data;
    toolCalls.inc({ kind, status });
    toolCallDuration.observe({ kind }, durationMs / 1000);
  }
}
