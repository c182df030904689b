import type { CriticalPath, Run } from '../api/types';
import { VirtualList } from '../components/virtual-list';
import { between, duration } from '../format';

const ROW = 26;

/**
 * The run's timeline: one bar per node from its first attempt's start to its
 * end (the attempt count on the bar), in start order; the critical path's
 * nodes are marked, with the time each waited ready.
 */
export function Timeline({ run, critical, onSelect }: { run: Run; critical: CriticalPath | undefined; onSelect: (id: string) => void }) {
  const start = Date.parse(run.startedAt);
  const end = run.endedAt ? Date.parse(run.endedAt) : Date.now();
  const span = Math.max(1, end - start);
  const onPath = new Map((critical?.nodes ?? []).map((n) => [n.id, n]));
  const rows = Object.entries(run.nodes)
    .filter(([, n]) => n.startedAt)
    .sort(([, a], [, b]) => Date.parse(a.startedAt!) - Date.parse(b.startedAt!));
  if (rows.length === 0) return <p className="muted">No node has started yet.</p>;
  return (
    <div className="timeline">
      <p className="muted small">
        {rows.length} nodes started · {critical ? `critical path ${critical.nodes.length} nodes, ${duration(critical.totalMs)}` : 'critical path when the run ends'}
      </p>
      <VirtualList
        label="Timeline"
        items={rows}
        rowHeight={ROW}
        height={Math.min(rows.length * ROW + 2, 420)}
        render={([id, n]) => {
          const left = ((Date.parse(n.startedAt!) - start) / span) * 100;
          const width = Math.max(0.4, ((between(n.startedAt, n.endedAt) ?? 0) / span) * 100);
          const cp = onPath.get(id);
          return (
            <button type="button" className={`tl-row${cp ? ' critical' : ''}`} onClick={() => onSelect(id)} aria-label={`${id} ${n.status} ${duration(between(n.startedAt, n.endedAt))}${cp ? ', on the critical path' : ''}`}>
              <span className="tl-label">
                {cp && <span aria-hidden="true">◆ </span>}
                {id}
              </span>
              <span className="tl-track">
                <span className={`tl-bar s-${n.status}`} style={{ left: `${left}%`, width: `${Math.min(width, 100 - left)}%` }}>
                  {n.attempts > 1 ? `×${n.attempts}` : ''}
                </span>
              </span>
              <span className="tl-time">
                {duration(between(n.startedAt, n.endedAt))}
                {cp && cp.waitedMs > 0 ? ` (waited ${duration(cp.waitedMs)})` : ''}
              </span>
            </button>
          );
        }}
      />
    </div>
  );
}
