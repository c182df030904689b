import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

/**
 * Connection options for reading big histories: a page of a 10,000-node run's
 * history (its start event holds the definition) passes gRPC's 4 MB default.
 */
export const BIG_HISTORY_CHANNEL = { channelArgs: { 'grpc.max_receive_message_length': 64 * 1024 * 1024 } };

/** One Temporal execution of a run: the run's own (one per continue-as-new) or a child scope's. */
export interface Execution {
  workflowId: string;
  runId: string;
  events: number;
  /** The history's size as Temporal stores and sends it (its protobuf encoding). */
  bytes: number;
  /** How the execution ended: `continued` when it continued as new. */
  ended: 'continued' | 'other';
}

/**
 * Every execution a run made, found by walking histories: the continue-as-new
 * chain from the first execution, and every child started along the way.
 */
export async function executionsOf(client: Client, workflowId: string): Promise<Execution[]> {
  const description = await client.workflow.getHandle(workflowId).describe();
  const firstRunId = description.raw.workflowExecutionInfo?.firstRunId || description.runId;
  const found: Execution[] = [];
  const queue: { workflowId: string; runId: string }[] = [{ workflowId, runId: firstRunId }];
  while (queue.length > 0) {
    const next = queue.shift()!;
    const history = await client.workflow.getHandle(next.workflowId, next.runId).fetchHistory();
    const events = history.events ?? [];
    for (const event of events) {
      const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
      if (child?.workflowId && child.runId) queue.push({ workflowId: child.workflowId, runId: child.runId });
    }
    const continued = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes;
    if (continued?.newExecutionRunId) queue.push({ workflowId: next.workflowId, runId: continued.newExecutionRunId });
    found.push({ ...next, events: events.length, bytes: proto.temporal.api.history.v1.History.encode(history).finish().length, ended: continued ? 'continued' : 'other' });
  }
  return found;
}
