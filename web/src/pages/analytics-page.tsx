import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ExportButton } from '../components/export-button';
import { useApi, useWorkflows } from '../api/queries';
import type { Costs, Recommendations, Summary, WorkflowAnalytics } from '../api/types';
import { duration, percent, usd } from '../format';

const axis = { stroke: 'var(--muted)', fontSize: 11 };
const tooltip = { contentStyle: { background: 'var(--panel)', border: '1px solid var(--border)', color: 'var(--text)' } };

function CostBars({ title, costs }: { title: string; costs: Costs | undefined }) {
  const items = (costs?.items ?? []).slice(0, 10);
  return (
    <div className="chart">
      <h3>{title}</h3>
      {items.length === 0 ? (
        <p className="muted">No cost recorded.</p>
      ) : (
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={items} layout="vertical" margin={{ left: 40 }}>
            <CartesianGrid stroke="var(--border)" horizontal={false} />
            <XAxis type="number" tick={axis} tickFormatter={(v: number) => usd(v)} />
            <YAxis type="category" dataKey="key" tick={axis} width={110} />
            <Tooltip {...tooltip} formatter={(v) => usd(Number(v))} />
            <Bar dataKey="costUsd" name="cost" fill="var(--accent)" />
          </BarChart>
        </ResponsiveContainer>
      )}
    </div>
  );
}

/** `/analytics`: cost over time (all or one workflow), cost by workflow and by model, success rate, node p95, recommendations. */
export default function AnalyticsPage() {
  const [workflow, setWorkflow] = useState('');
  const workflows = useWorkflows();
  const q = workflow ? `?workflow=${encodeURIComponent(workflow)}` : '';
  const summary = useApi<Summary>(`/analytics/summary${q}`);
  const byWorkflow = useApi<Costs>('/analytics/costs?groupBy=workflow');
  const byModel = useApi<Costs>('/analytics/costs?groupBy=model');
  const nodes = useApi<WorkflowAnalytics>(workflow ? `/analytics/workflows/${encodeURIComponent(workflow)}` : null);
  const advice = useApi<Recommendations>(`/analytics/recommendations${q}`);
  const s = summary.data;
  return (
    <section>
      <div className="page-head">
        <h1>Analytics</h1>
        <ExportButton dataset="costs" filters={{ workflow }} />
        <label>
          Workflow
          <select value={workflow} onChange={(e) => setWorkflow(e.target.value)}>
            <option value="">all</option>
            {workflows.data?.items.map((w) => (
              <option key={w.name}>{w.name}</option>
            ))}
          </select>
        </label>
        <span className="muted small">last 30 days</span>
      </div>
      {s && (
        <div className="tiles">
          <div className="tile">
            Runs<strong>{s.runs.total}</strong>
          </div>
          <div className="tile">
            Success rate<strong>{percent(s.successRate)}</strong>
          </div>
          <div className="tile">
            Duration p50 / p95<strong>{duration(s.durationMs.p50)} / {duration(s.durationMs.p95)}</strong>
          </div>
          <div className="tile">
            Cost<strong>{usd(s.costUsd)}</strong>
          </div>
          <div className="tile">
            Tokens in / out<strong>{s.tokens.input.toLocaleString()} / {s.tokens.output.toLocaleString()}</strong>
          </div>
        </div>
      )}
      <div className="chart">
        <h3>Cost and runs over time{workflow ? ` (${workflow})` : ''}</h3>
        <ResponsiveContainer width="100%" height={240}>
          <LineChart data={s?.byDay ?? []}>
            <CartesianGrid stroke="var(--border)" />
            <XAxis dataKey="day" tick={axis} />
            <YAxis yAxisId="usd" tick={axis} tickFormatter={(v: number) => usd(v)} />
            <YAxis yAxisId="runs" orientation="right" tick={axis} allowDecimals={false} />
            <Tooltip {...tooltip} />
            <Line yAxisId="usd" dataKey="costUsd" name="cost (USD)" stroke="var(--accent)" dot={false} />
            <Line yAxisId="runs" dataKey="runs" name="runs" stroke="var(--s-succeeded)" dot={false} />
            <Line yAxisId="runs" dataKey="failed" name="failed" stroke="var(--s-failed)" dot={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <div className="two">
        <CostBars title="Cost by workflow" costs={byWorkflow.data} />
        <CostBars title="Cost by model" costs={byModel.data} />
      </div>
      {nodes.data && (
        <>
          <h2>Nodes of {workflow}</h2>
          <table className="grid" aria-label="Node statistics">
            <thead>
              <tr>
                <th>Node</th>
                <th className="num">Executions</th>
                <th className="num">Success</th>
                <th className="num">p95</th>
                <th className="num">Retries</th>
                <th className="num">Mean cost</th>
                <th className="num">On critical path</th>
              </tr>
            </thead>
            <tbody>
              {nodes.data.nodes.map((n) => (
                <tr key={n.id}>
                  <td>{n.id}</td>
                  <td className="num">{n.executions}</td>
                  <td className="num">{percent(n.successRate)}</td>
                  <td className="num">{duration(n.durationMs.p95)}</td>
                  <td className="num">{n.retries}</td>
                  <td className="num">{usd(n.costUsd.mean)}</td>
                  <td className="num">{percent(n.onCriticalPath)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>Recommendations</h2>
      {advice.data?.items.length === 0 && <p className="muted">Nothing to recommend yet.</p>}
      <ul>
        {advice.data?.items.map((r, i) => (
          <li key={i}>
            <strong>{r.kind.replace(/_/g, ' ')}</strong> ({r.severity}) {r.workflow}
            {r.node ? `/${r.node}` : ''}: {r.suggestion} <code className="muted small">{JSON.stringify(r.evidence)}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}
