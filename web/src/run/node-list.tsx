import { useMemo, useState } from 'react';
import type { NodeStatus, Run } from '../api/types';
import { VirtualList } from '../components/virtual-list';
import { between, duration, usd } from '../format';

const STATUSES: NodeStatus[] = ['running', 'waiting', 'failed', 'pending', 'succeeded', 'skipped', 'cancelled'];

/**
 * A run's nodes as a virtualised list, filtered by status: the view of a run
 * too large to draw as a graph at once. Rows carry `data-node-id` and
 * `data-status` like the graph's nodes.
 */
export function NodeList({ run, onSelect }: { run: Run; onSelect: (id: string) => void }) {
  const [status, setStatus] = useState<NodeStatus | ''>('');
  const rows = useMemo(() => Object.entries(run.nodes).filter(([, n]) => !status || n.status === status), [run.nodes, status]);
  return (
    <div>
      <label>
        Nodes by status
        <select value={status} onChange={(e) => setStatus(e.target.value as NodeStatus | '')}>
          <option value="">all ({Object.keys(run.nodes).length})</option>
          {STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <VirtualList
        label="Nodes"
        items={rows}
        rowHeight={28}
        height={360}
        render={([id, n]) => (
          <button type="button" className={`tl-row s-${n.status}`} data-node-id={id} data-status={n.status} onClick={() => onSelect(id)}>
            <span className="tl-label">{id}</span>
            <span className="muted">
              {n.status}
              {n.attempts > 1 ? ` · ${n.attempts} attempts` : ''}
            </span>
            <span className="tl-time">
              {duration(between(n.startedAt, n.endedAt))} · {usd(n.costUsd)}
            </span>
          </button>
        )}
      />
    </div>
  );
}
