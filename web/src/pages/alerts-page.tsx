import { useQueryClient } from '@tanstack/react-query';
import { useApi } from '../api/queries';
import type { AlertDelivery, AlertRule, AlertSilence, AlertView } from '../api/types';
import { useCan, useSession } from '../auth/session';
import { when } from '../format';

const labelsText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

/** `/alerts` (weft-ops §13): alerts firing first, then the rules, the silences and the delivery log. */
export default function AlertsPage() {
  const { client } = useSession();
  const operator = useCan('operator');
  const queryClient = useQueryClient();
  const alerts = useApi<{ items: AlertView[] }>('/alerts', { refetchInterval: 5_000 });
  const rules = useApi<{ items: AlertRule[] }>('/alerts/rules');
  const silences = useApi<{ items: AlertSilence[] }>('/alerts/silences');
  const deliveries = useApi<{ items: AlertDelivery[] }>('/alerts/deliveries?limit=50', { refetchInterval: 5_000 });
  const endSilence = async (id: string) => {
    await client.send('DELETE', `/alerts/silences/${encodeURIComponent(id)}`);
    await queryClient.invalidateQueries({ queryKey: ['/alerts/silences'] });
  };
  return (
    <section>
      <div className="page-head">
        <h1>Alerts</h1>
      </div>
      {alerts.error && <p role="alert" className="error">{String(alerts.error)}</p>}
      <table className="grid" aria-label="Alerts">
        <thead>
          <tr>
            <th>State</th>
            <th>Rule</th>
            <th>Severity</th>
            <th>Labels</th>
            <th>Since</th>
            <th>Summary</th>
          </tr>
        </thead>
        <tbody>
          {alerts.data?.items.map((a) => (
            <tr key={a.fingerprint} data-alert-state={a.state} data-silenced={a.silenced}>
              <td>{a.silenced && a.state !== 'resolved' ? `${a.state} (silenced)` : a.state}</td>
              <td>{a.rule.name}</td>
              <td>{a.rule.severity}</td>
              <td>
                <code>{labelsText(a.labels)}</code>
              </td>
              <td>{when(a.firingSince ?? a.activeSince)}</td>
              <td>{a.summary}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Rules</h2>
      <table className="grid" aria-label="Alert rules">
        <thead>
          <tr>
            <th>Name</th>
            <th>Kind</th>
            <th>Workflow</th>
            <th>Severity</th>
            <th>For</th>
            <th>Channels</th>
            <th>Enabled</th>
          </tr>
        </thead>
        <tbody>
          {rules.data?.items.map((r) => (
            <tr key={r.id}>
              <td>{r.name}</td>
              <td>{r.kind}</td>
              <td>{r.workflow}</td>
              <td>{r.severity}</td>
              <td>{r.for}</td>
              <td>{r.channels.join(', ')}</td>
              <td>{r.enabled ? 'yes' : 'no'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Silences</h2>
      <table className="grid" aria-label="Silences">
        <thead>
          <tr>
            <th>Matchers</th>
            <th>Ends</th>
            <th>Comment</th>
            <th>By</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {silences.data?.items.map((s) => (
            <tr key={s.id}>
              <td>
                <code>{labelsText(s.matchers as Record<string, string>)}</code>
              </td>
              <td>{when(s.endsAt)}</td>
              <td>{s.comment}</td>
              <td>{s.createdBy ?? ''}</td>
              <td>
                {operator && s.active && (
                  <button type="button" onClick={() => void endSilence(s.id)}>
                    End silence
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Deliveries</h2>
      <table className="grid" aria-label="Deliveries">
        <thead>
          <tr>
            <th>Created</th>
            <th>Channel</th>
            <th>State</th>
            <th>Status</th>
            <th className="num">Attempts</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.data?.items.map((d) => (
            <tr key={`${d.notificationKey}/${d.channel}`}>
              <td>{when(d.createdAt)}</td>
              <td>{d.channel}</td>
              <td>{d.state}</td>
              <td>{d.status}</td>
              <td className="num">{d.attempts}</td>
              <td>{d.lastError ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
