import { useState } from 'react';
import { useApi } from '../api/queries';
import type { Run } from '../api/types';
import { StatusBadge } from '../components/status-badge';
import { between, duration, pretty, usd } from '../format';
import { Link, setQuery, useLocation } from '../router';

/** `/compare?a=&b=`: two runs side by side, node by node; cells that differ are marked. */
export default function ComparePage() {
  const { query } = useLocation();
  const a = query.get('a') ?? '';
  const b = query.get('b') ?? '';
  const [draft, setDraft] = useState({ a, b });
  const left = useApi<Run>(a ? `/runs/${encodeURIComponent(a)}` : null);
  const right = useApi<Run>(b ? `/runs/${encodeURIComponent(b)}` : null);
  const ids = [...new Set([...Object.keys(left.data?.nodes ?? {}), ...Object.keys(right.data?.nodes ?? {})])];
  const cell = (run: Run | undefined, id: string) => {
    const n = run?.nodes[id];
    return n ? `${n.status} · ${duration(between(n.startedAt, n.endedAt))} · ${usd(n.costUsd)}` : '—';
  };
  return (
    <section>
      <div className="page-head">
        <h1>Compare runs</h1>
      </div>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ a: draft.a.trim() || undefined, b: draft.b.trim() || undefined });
        }}
      >
        <label>
          Run A
          <input value={draft.a} onChange={(e) => setDraft({ ...draft, a: e.target.value })} />
        </label>
        <label>
          Run B
          <input value={draft.b} onChange={(e) => setDraft({ ...draft, b: e.target.value })} />
        </label>
        <button type="submit">Compare</button>
      </form>
      {(left.error || right.error) && <p role="alert" className="error">{String(left.error ?? right.error)}</p>}
      {left.data && right.data && (
        <table className="grid" aria-label="Comparison">
          <thead>
            <tr>
              <th />
              <th>
                <Link to={`/runs/${encodeURIComponent(a)}`}>{a}</Link>
              </th>
              <th>
                <Link to={`/runs/${encodeURIComponent(b)}`}>{b}</Link>
              </th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th>Status</th>
              <td>
                <StatusBadge status={left.data.status} />
              </td>
              <td>
                <StatusBadge status={right.data.status} />
              </td>
            </tr>
            <tr>
              <th>Workflow</th>
              <td>{`${left.data.workflow} v${left.data.version ?? '—'}`}</td>
              <td>{`${right.data.workflow} v${right.data.version ?? '—'}`}</td>
            </tr>
            <tr>
              <th>Cost</th>
              <td>{usd(left.data.costUsd)}</td>
              <td>{usd(right.data.costUsd)}</td>
            </tr>
            <tr>
              <th>Duration</th>
              <td>{duration(between(left.data.startedAt, left.data.endedAt))}</td>
              <td>{duration(between(right.data.startedAt, right.data.endedAt))}</td>
            </tr>
            {ids.map((id) => {
              const l = cell(left.data, id);
              const r = cell(right.data, id);
              const differs = left.data?.nodes[id]?.status !== right.data?.nodes[id]?.status;
              return (
                <tr key={id}>
                  <th>{id}</th>
                  <td className={differs ? 'diffcell' : ''}>{l}</td>
                  <td className={differs ? 'diffcell' : ''}>{r}</td>
                </tr>
              );
            })}
            <tr>
              <th>Input</th>
              <td>
                <pre className="json">{pretty(left.data.input)}</pre>
              </td>
              <td>
                <pre className="json">{pretty(right.data.input)}</pre>
              </td>
            </tr>
          </tbody>
        </table>
      )}
    </section>
  );
}
