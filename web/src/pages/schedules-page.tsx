import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../api/queries';
import type { ScheduleList } from '../api/types';
import { useCan, useSession } from '../auth/session';
import { when } from '../format';
import { Link } from '../router';

/** `/schedules`: each schedule, its next and recent runs; operators pause, unpause and trigger. */
export default function SchedulesPage() {
  const { client } = useSession();
  const operator = useCan('operator');
  const schedules = useApi<ScheduleList>('/schedules');
  const queryClient = useQueryClient();
  const act = useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'pause' | 'unpause' | 'trigger' }) => client.send('POST', `/schedules/${encodeURIComponent(id)}/${action}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['/schedules'] }),
  });
  return (
    <section>
      <div className="page-head">
        <h1>Schedules</h1>
      </div>
      {act.error && <p role="alert" className="error">{String(act.error)}</p>}
      <table className="grid" aria-label="Schedules">
        <thead>
          <tr>
            <th>Schedule</th>
            <th>Workflow</th>
            <th>Spec</th>
            <th>Next runs</th>
            <th>Recent runs</th>
            {operator && <th>Actions</th>}
          </tr>
        </thead>
        <tbody>
          {schedules.data?.items.map((s) => (
            <tr key={s.id}>
              <td>
                {s.id} {s.paused && <span className="badge s-paused">paused</span>}
                {s.note && <div className="muted small">{s.note}</div>}
              </td>
              <td>
                <Link to={`/workflows/${encodeURIComponent(s.workflow)}`}>{s.workflow}</Link>
                {s.version !== null && ` v${s.version}`}
              </td>
              <td>
                <code>{s.spec.cron ?? `every ${s.spec.every}`}</code> {s.spec.timezone ?? ''} · {s.overlap}
              </td>
              <td className="small">{s.nextRuns.slice(0, 3).map(when).join(', ')}</td>
              <td className="small">
                {s.recentRuns.slice(0, 5).map((r) => (
                  <div key={r.runId}>
                    <Link to={`/runs/${encodeURIComponent(r.runId)}`}>{r.status}</Link> {when(r.scheduledAt)}
                  </div>
                ))}
              </td>
              {operator && (
                <td>
                  <button type="button" onClick={() => act.mutate({ id: s.id, action: s.paused ? 'unpause' : 'pause' })}>
                    {s.paused ? 'Unpause' : 'Pause'} {s.id}
                  </button>{' '}
                  <button type="button" onClick={() => act.mutate({ id: s.id, action: 'trigger' })}>
                    Trigger {s.id}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {schedules.data?.items.length === 0 && <p className="muted">No schedules.</p>}
    </section>
  );
}
