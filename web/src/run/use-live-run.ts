import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { followEvents } from '../api/event-stream';
import { useApi } from '../api/queries';
import type { NodeEventData, Run, RunEventData } from '../api/types';
import { useSession } from '../auth/session';

/** Map and loop nodes' `{done, total}`, from `node` events (weft-ops §1). */
export type Progress = Record<string, { done: number; total: number }>;

type Applied = { event: 'snapshot'; data: Run } | { event: 'node'; data: NodeEventData } | { event: 'run'; data: RunEventData };

function apply(run: Run | undefined, e: Applied): Run | undefined {
  if (e.event === 'snapshot') return e.data;
  if (!run) return run;
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
 * and `run` event applied to the cached run. Events that arrive together are
 * applied in one render (per animation frame), so a run settling thousands of
 * nodes does not re-render thousands of times.
 */
export function useLiveRun(id: string) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const path = `/runs/${encodeURIComponent(id)}`;
  const run = useApi<Run>(path);
  const [progress, setProgress] = useState<Progress>({});
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
      if (batch.some((e) => e.event === 'run' && e.data.endedAt)) void queryClient.invalidateQueries({ queryKey: [path] });
    };
    followEvents(
      client,
      `${path}/events`,
      (e) => {
        pending.push(e as Applied);
        frame ||= requestAnimationFrame(flush);
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

  return { run, progress, connected };
}
