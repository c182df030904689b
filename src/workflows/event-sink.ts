import { proxySinks, type Sinks } from '@temporalio/workflow';
import { runEvent, type RunEvent } from '../dag/run-events.js';
import type { RunMachine } from '../dag/run-machine.js';
import type { RunWorkflowInput } from './messages.js';

/**
 * Where the interpreter reports its state changes for the live event streams:
 * a sink runs in the worker, outside workflow code, after the workflow task,
 * adds no command and no history event, and is not called again on replay.
 * Every event carries a dedup key, so a retried workflow task that calls it
 * again stores nothing twice.
 */
export interface WeftSinks extends Sinks {
  runEvents: {
    append(runId: string, workflow: string, events: RunEvent[]): void;
  };
}

export const { runEvents } = proxySinks<WeftSinks>();

/** Reports the run's status after its `n`th pause or resume. */
export function reportStatus(runId: string, args: Pick<RunWorkflowInput, 'workflow' | 'version'>, machine: RunMachine, n: number): void {
  const data = { runId, workflow: args.workflow, version: args.version, status: machine.status, degraded: machine.degraded(), costUsd: machine.costUsd(), error: null, startedAt: machine.startedAt, endedAt: null };
  runEvents.append(runId, args.workflow, [runEvent(data, `status:${n}`)]);
}
