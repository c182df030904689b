import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { readStreamFrames } from '../../../src/sse/event-stream-reader';
import { followEvents } from '../api/event-stream';
import { useApi } from '../api/queries';
import type { AgentEventData, NodeEventData, Run, RunEventData } from '../api/types';
import { useSession } from '../auth/session';
import { applyAgentEvent, noAgentProgress, type AgentProgress } from '../../../src/dag/agent-progress';

/** Map and loop nodes' `{done, total}`, from `node` events (weft-ops §1). */
export type Progress = Record<string, { done: number; total: number }>;

/** An agent node as its live `agent` events show it (weft-agents 6). */
export interface LiveAgent {
  progress: AgentProgress;
  /** Stored agent events seen: the node panel reads the node again when it moves. */
  seen: number;
  /** Text streamed per turn (`<scope>|<turn>`), of the latest attempt only (`turn_retry` voids earlier ones). */
  streaming: Record<string, { scope: string; turn: number; attempt: number; text: string }>;
}
export type LiveAgents = Record<string, LiveAgent>;

/** A run with at most this many nodes reads its agents' earlier events when the page opens mid-run. */
const CATCH_UP_NODES = 400;

type Applied = { event: 'snapshot'; data: Run } | { event: 'node'; data: NodeEventData } | { event: 'run'; data: RunEventData } | { event: 'agent'; data: AgentEventData };

/** The live agents after one event. */
function applyAgent(agents: LiveAgents, e: AgentEventData): LiveAgents {
  const before = agents[e.nodeId] ?? { progress: noAgentProgress(), seen: 0, streaming: {} };
  const key = `${e.scope}|${e.turn}`;
  const streamed = before.streaming[key];
  let streaming = before.streaming;
  if (e.kind === 'text') {
    if (streamed && streamed.attempt > e.attempt) return agents;
    const text = streamed && streamed.attempt === e.attempt ? streamed.text + e.delta : e.delta;
    streaming = { ...streaming, [key]: { scope: e.scope, turn: e.turn, attempt: e.attempt, text } };
    return { ...agents, [e.nodeId]: { ...before, streaming } };
  }
  if (e.kind === 'turn_retry' && (!streamed || streamed.attempt < e.attempt)) streaming = { ...streaming, [key]: { scope: e.scope, turn: e.turn, attempt: e.attempt, text: '' } };
  return { ...agents, [e.nodeId]: { progress: applyAgentEvent(before.progress, e), seen: before.seen + 1, streaming } };
}

function apply(run: Run | undefined, e: Applied): Run | undefined {
  if (e.event === 'snapshot') return e.data;
  if (!run || e.event === 'agent') return run;
  if (e.event === 'run') {
    const { status, degraded, costUsd, error, endedAt } = e.data;
    return { ...run, status, degraded, costUsd, error, endedAt };
  }
  const { status, attempts, startedAt, endedAt, costUsd, degraded, skippedReason, error } = e.data;
  const before = run.nodes[e.data.nodeId];
  const node = { fallback: null, ...before, status, attempts, startedAt, endedAt, costUsd, degraded, skippedReason, error };
  return { ...run, nodes: { ...run.nodes, [e.data.nodeId]: node } };
}

/**
 * A run kept current from its event stream: the snapshot, then each `node`
 * and `run` event applied to the cached run, and `agent` events kept per node
 * (turn, calls, streamed text). Events that arrive together are
 * applied in one render (per animation frame), so a run settling thousands of
 * nodes does not re-render thousands of times.
 */
export function useLiveRun(id: string) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const path = `/runs/${encodeURIComponent(id)}`;
  const run = useApi<Run>(path);
  const [progress, setProgress] = useState<Progress>({});
  const [agents, setAgents] = useState<LiveAgents>({});
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    const stop = new AbortController();
    let pending: Applied[] = [];
    let frame = 0;
    const flush = () => {
      frame = 0;
      const batch = pending;
      pending = [];
      queryClient.setQueryData<Run>([path], (old) => batch.reduce(apply, old));
      const moved = batch.flatMap((e) => (e.event === 'node' && e.data.progress ? [[e.data.nodeId, e.data.progress] as const] : []));
      if (moved.length > 0) setProgress((p) => ({ ...p, ...Object.fromEntries(moved) }));
      const told = batch.flatMap((e) => (e.event === 'agent' ? [e.data] : []));
      if (told.length > 0) setAgents((a) => told.reduce(applyAgent, a));
      // A call that starts or stops waiting changes the node's pendingToolCalls, which node events do not carry.
      if (told.some((e) => e.kind === 'approval_needed' || e.kind === 'tool_result')) void queryClient.invalidateQueries({ queryKey: [path], exact: true });
      if (batch.some((e) => e.event === 'run' && e.data.endedAt)) void queryClient.invalidateQueries({ queryKey: [path] });
    };
    const push = (e: Applied) => {
      pending.push(e);
      frame ||= requestAnimationFrame(flush);
    };
    // Live agent events wait while the ones before the snapshot are read, so each node's are applied in order.
    let held: Applied[] | null = null;
    let caughtUp = false;
    const catchUp = async (position: number) => {
      caughtUp = true;
      held = [];
      try {
        const res = await client.stream(`${path}/events`, '0', stop.signal);
        for await (const frame of readStreamFrames(res.body!)) {
          if (frame.kind !== 'event') continue;
          if (frame.event.event === 'snapshot') break; // The run's first events are no longer kept.
          if (frame.event.event === 'agent') push(frame.event as Applied);
          if (Number(frame.event.id) >= position) break;
        }
      } catch {
        // The catch-up is a nicety: live events go on without it.
      } finally {
        const waiting = held;
        held = null;
        waiting.forEach(push);
      }
    };
    followEvents(
      client,
      `${path}/events`,
      (e) => {
        const applied = e as Applied;
        // A running run's agents did things before the snapshot: read their stored events once (small runs only).
        if (applied.event === 'snapshot' && !caughtUp && applied.data.endedAt === null && Number(e.id) > 0 && Object.keys(applied.data.nodes).length <= CATCH_UP_NODES) void catchUp(Number(e.id));
        if (applied.event === 'agent' && held) held.push(applied);
        else push(applied);
      },
      { signal: stop.signal, onState: setConnected },
    )
      .catch(() => {})
      .finally(() => setConnected(false));
    return () => {
      stop.abort();
      cancelAnimationFrame(frame);
    };
  }, [client, queryClient, path]);

  return { run, progress, agents, connected };
}
