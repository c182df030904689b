import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useApi, useWorkflows } from '../api/queries';
import { followEvents } from '../api/event-stream';
import type { RunEventData, RunList, RunStatus, RunSummary } from '../api/types';
import { useSession } from '../auth/session';
import { ExportButton } from '../components/export-button';
import { StatusBadge } from '../components/status-badge';
import { between, duration, usd, when } from '../format';
import { Link, navigate, setQuery, useLocation } from '../router';

const STATUSES: RunStatus[] = ['running', 'paused', 'succeeded', 'failed', 'cancelled', 'timed_out'];

/** A row of the list: a run first seen through its event has no priority yet (events do not carry it) until the list is read again. */
type Row = Omit<RunSummary, 'priority'> & { priority?: number };
type Listed = Omit<RunList, 'items'> & { items: Row[] };

/** A `run` event as the list's row (the event carries the list's summary, weft-ops §1). */
function merge(items: Row[], e: RunEventData, filters: { workflow?: string; status?: string }): Row[] {
  const at = items.findIndex((r) => r.id === e.runId);
  const row: Row = { ...(at >= 0 ? items[at]! : { trigger: null }), id: e.runId, workflow: e.workflow, version: e.version, status: e.status, degraded: e.degraded, costUsd: e.costUsd, startedAt: e.startedAt, endedAt: e.endedAt };
  const fits = (!filters.workflow || row.workflow === filters.workflow) && (!filters.status || row.status === filters.status);
  if (at >= 0) return fits ? items.map((r, i) => (i === at ? row : r)) : items.filter((_, i) => i !== at);
  return fits ? [row, ...items] : items;
}

/** `/runs`: newest first, filtered by workflow and status, searched by id, live from `GET /events`. */
export function RunsPage() {
  const { client } = useSession();
  const { query } = useLocation();
  const workflow = query.get('workflow') ?? undefined;
  const status = query.get('status') ?? undefined;
  const [search, setSearch] = useState('');
  const [live, setLive] = useState(false);
  const params = new URLSearchParams({ limit: '100', ...(workflow ? { workflow } : {}), ...(status ? { status } : {}) });
  const path = `/runs?${params}`;
  const runs = useApi<Listed>(path);
  const workflows = useWorkflows();
  const queryClient = useQueryClient();

  useEffect(() => {
    const stop = new AbortController();
    const filters = { ...(workflow ? { workflow } : {}), ...(status ? { status } : {}) };
    followEvents(client, '/events', (e) => {
      if (e.event !== 'run') return;
      queryClient.setQueryData<Listed>([path], (old) => (old ? { ...old, items: merge(old.items, e.data as RunEventData, filters) } : old));
    }, { signal: stop.signal, forever: true, onState: setLive }).catch(() => setLive(false));
    return () => stop.abort();
  }, [client, queryClient, path, workflow, status]);

  const items = useMemo(() => {
    const needle = search.trim();
    return (runs.data?.items ?? []).filter((r) => !needle || r.id.includes(needle));
  }, [runs.data, search]);

  return (
    <section>
      <div className="page-head">
        <h1>Runs</h1>
        <ExportButton dataset="runs" filters={{ workflow, status }} />
        <span className={`live ${live ? 'on' : ''}`} aria-live="polite">
          {live ? 'live' : 'connecting…'}
        </span>
      </div>
      <div className="filters" role="search">
        <label>
          Workflow
          <select value={workflow ?? ''} onChange={(e) => setQuery({ workflow: e.target.value || undefined })}>
            <option value="">all</option>
            {workflows.data?.items.map((w) => (
              <option key={w.name}>{w.name}</option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={status ?? ''} onChange={(e) => setQuery({ status: e.target.value || undefined })}>
            <option value="">all</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (search.trim()) navigate(`/runs/${encodeURIComponent(search.trim())}`);
          }}
        >
          <label>
            Search by id
            <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="run id (Enter opens it)" />
          </label>
        </form>
      </div>
      {runs.error && <p role="alert" className="error">{String(runs.error)}</p>}
      <table className="grid" aria-label="Runs">
        <thead>
          <tr>
            <th>Run</th>
            <th>Workflow</th>
            <th>Status</th>
            <th className="num" title="1 most urgent, 5 batch">Priority</th>
            <th>Started</th>
            <th>Duration</th>
            <th className="num">Cost</th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <tr key={r.id} data-run-id={r.id}>
              <td>
                <Link to={`/runs/${encodeURIComponent(r.id)}`}>{r.id}</Link>
              </td>
              <td>
                {r.workflow}
                {r.version !== null && <span className="muted"> v{r.version}</span>}
              </td>
              <td>
                <StatusBadge status={r.status} />
                {r.degraded && <span className="muted"> degraded</span>}
              </td>
              <td className="num">{r.priority ?? '…'}</td>
              <td>{when(r.startedAt)}</td>
              <td>{duration(between(r.startedAt, r.endedAt))}</td>
              <td className="num">{usd(r.costUsd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {runs.isSuccess && items.length === 0 && <p className="muted">No runs match.</p>}
    </section>
  );
}
