import { useState } from 'react';
import { useApi } from '../api/queries';
import type { AuditRecord } from '../api/types';
import { ExportButton } from '../components/export-button';
import { when } from '../format';

/** `/admin/audit` (admin): the audit log, newest first, by action and outcome. */
export default function AuditPage() {
  const [action, setAction] = useState('');
  const [outcome, setOutcome] = useState('');
  const params = new URLSearchParams({ limit: '200', ...(action ? { action } : {}), ...(outcome ? { outcome } : {}) });
  const audit = useApi<{ items: AuditRecord[]; nextCursor: string | null }>(`/audit?${params}`);
  return (
    <section>
      <div className="page-head">
        <h1>Audit log</h1>
        <ExportButton dataset="audit" filters={{ status: outcome }} />
      </div>
      <div className="filters">
        <label>
          Action
          <input value={action} onChange={(e) => setAction(e.target.value)} placeholder="run.cancel" />
        </label>
        <label>
          Outcome
          <select value={outcome} onChange={(e) => setOutcome(e.target.value)}>
            <option value="">all</option>
            <option>ok</option>
            <option>denied</option>
            <option>error</option>
          </select>
        </label>
      </div>
      {audit.error && <p role="alert" className="error">{String(audit.error)}</p>}
      <table className="grid" aria-label="Audit log">
        <thead>
          <tr>
            <th>At</th>
            <th>Actor</th>
            <th>Action</th>
            <th>Target</th>
            <th>Outcome</th>
            <th className="num">Status</th>
          </tr>
        </thead>
        <tbody>
          {audit.data?.items.map((r) => (
            <tr key={r.id}>
              <td>{when(r.at)}</td>
              <td>
                {r.actor.ref ?? r.actor.name} ({r.actor.role ?? 'no role'})
              </td>
              <td>{r.action}</td>
              <td>
                <code>{r.target ?? ''}</code>
              </td>
              <td>{r.outcome}</td>
              <td className="num">{r.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
