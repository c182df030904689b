import type { AgentEventData } from '../../dag/agent-events.js';
import type { NodeEventData, RunEventData } from '../../dag/run-events.js';
import type { RunStatus } from '../../dag/run-state.js';
import type { RunWire } from '../api-client.js';
import type { StreamEvent } from '../../sse/event-stream-reader.js';
import { applyAgentEvent, type AgentProgress } from '../../dag/agent-progress.js';

/** What the live view knows of one top-level node. */
export interface WatchedNode {
  id: string;
  status: NodeEventData['status'];
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
  costUsd: number | null;
  error: NodeEventData['error'];
  /** Children done of all, for map and loop nodes while they run. */
  progress: NodeEventData['progress'];
  reused: boolean;
  /** An agent loop's turn and calls, from its `agent` events. */
  agent?: AgentProgress;
}

/** What the live view knows of the run: rebuilt from the snapshot, then changed by each event. */
export interface WatchState {
  runId: string;
  workflow: string;
  status: RunStatus;
  costUsd: number;
  startedAt: string;
  endedAt: string | null;
  error: RunEventData['error'];
  /** Node ids in plan order, as the run record lists them. */
  order: string[];
  nodes: Record<string, WatchedNode>;
}

/** The state a `snapshot` event (the run as `GET /runs/{id}` shows it) sets. */
export function stateOfRun(run: RunWire): WatchState {
  const nodes: Record<string, WatchedNode> = {};
  for (const [id, n] of Object.entries(run.nodes)) {
    nodes[id] = { id, status: n.status, attempts: n.attempts, startedAt: n.startedAt, endedAt: n.endedAt, costUsd: n.costUsd, error: n.error, progress: null, reused: n.reused ?? false };
  }
  return { runId: run.id, workflow: run.workflow, status: run.status, costUsd: run.costUsd, startedAt: run.startedAt, endedAt: run.endedAt, error: run.error, order: Object.keys(run.nodes), nodes };
}

/** The state after one event of the run's stream; unknown events change nothing. */
export function applyEvent(state: WatchState | null, event: StreamEvent): WatchState | null {
  if (event.event === 'snapshot') return stateOfRun(event.data as RunWire);
  if (!state) return state;
  if (event.event === 'node') {
    const d = event.data as NodeEventData;
    const before = state.nodes[d.nodeId];
    const node: WatchedNode = {
      id: d.nodeId,
      status: d.status,
      attempts: d.attempts,
      startedAt: d.startedAt,
      endedAt: d.endedAt,
      costUsd: d.costUsd,
      error: d.error,
      progress: d.progress,
      reused: before?.reused ?? false,
      ...(before?.agent ? { agent: before.agent } : {}),
    };
    const order = before ? state.order : [...state.order, d.nodeId];
    return { ...state, order, nodes: { ...state.nodes, [d.nodeId]: node } };
  }
  if (event.event === 'agent') {
    const d = event.data as AgentEventData;
    const node = state.nodes[d.nodeId];
    if (!node || d.kind === 'text') return state;
    return { ...state, nodes: { ...state.nodes, [d.nodeId]: { ...node, agent: applyAgentEvent(node.agent, d) } } };
  }
  if (event.event === 'run') {
    const d = event.data as RunEventData;
    return { ...state, status: d.status, costUsd: d.costUsd, error: d.error, endedAt: d.endedAt };
  }
  return state;
}
