import type { Plan } from './plan.js';

/** When a node of a run started and ended, from its stored record. */
export interface NodeTimes {
  startedAt: string | null;
  endedAt: string | null;
}

/** One node of a run's critical path (weft-ops §7). */
export interface CriticalPathNode {
  id: string;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  /** How long it waited to start after its needs had ended (or the run had started): held by `maxParallel` or a pause. */
  waitedMs: number;
}

const ms = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));

/**
 * A run's critical path, first node first: from the node that ended last, back
 * through the need that ended last, to a node with no need that ran. Ties on the
 * end instant go to the node that fed no dependent ending then too (nodes the
 * workflow runs itself, transform and switch, end in the same workflow task as
 * the need that readied them, and the path must go through them), then by id.
 * Linear in nodes and edges, so it is computed once, when the run ends.
 */
export function criticalPath(plan: Pick<Plan, 'nodes'>, times: ReadonlyMap<string, NodeTimes>, runStartedAt: string): CriticalPathNode[] {
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const ended = (id: string): number | null => ms(times.get(id)?.endedAt ?? null);
  /** Whether `id` fed a dependent that ended at or after it did. */
  const fedOnTime = (id: string): boolean => {
    const end = ended(id)!;
    return (byId.get(id)?.dependents ?? []).some((d) => (ended(d) ?? -Infinity) >= end);
  };
  /** The latest-ending of `ids`, with the ties above; undefined when none ended. */
  const latest = (ids: Iterable<string>): string | undefined => {
    let best: { id: string; end: number; fed: boolean } | undefined;
    for (const id of ids) {
      const end = ended(id);
      if (end === null) continue;
      if (best && end < best.end) continue;
      const fed = fedOnTime(id);
      if (!best || end > best.end || (!fed && best.fed) || (fed === best.fed && id < best.id)) best = { id, end, fed };
    }
    return best?.id;
  };

  const path: string[] = [];
  const onPath = new Set<string>();
  for (let id = latest(times.keys()); id !== undefined && !onPath.has(id); id = latest((byId.get(id)?.needs ?? []).filter((n) => times.has(n)))) {
    path.push(id);
    onPath.add(id);
  }
  return path.reverse().map((id) => {
    const t = times.get(id)!;
    const needEnds = (byId.get(id)?.needs ?? []).map(ended).filter((e): e is number => e !== null);
    const ready = needEnds.length > 0 ? needEnds.reduce((a, b) => Math.max(a, b)) : Date.parse(runStartedAt);
    const started = ms(t.startedAt);
    const end = ms(t.endedAt);
    return {
      id,
      startedAt: t.startedAt,
      endedAt: t.endedAt,
      durationMs: started === null || end === null ? null : end - started,
      waitedMs: started === null ? 0 : Math.max(started - ready, 0),
    };
  });
}
