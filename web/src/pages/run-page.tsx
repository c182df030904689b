import { useDeferredValue, useMemo, useRef, useState } from 'react';
import { useApi } from '../api/queries';
import type { CriticalPath, WorkflowAnalytics } from '../api/types';
import { StatusBadge } from '../components/status-badge';
import { between, duration, pretty, usd, when } from '../format';
import { Link } from '../router';
import { DagGraph, type NodeView } from '../run/dag-graph';
import { NodeList } from '../run/node-list';
import { NodePanel } from '../run/node-panel';
import { RunActions } from '../run/run-actions';
import { Timeline } from '../run/timeline';
import { useLiveRun, type LiveAgent } from '../run/use-live-run';
import type { PlanNode } from '../run/layout';
import { useRunPlan } from '../run/use-plan';

/** Runs with more nodes than this show their nodes before the server has compiled the plan (seconds for thousands of nodes). */
const FALLBACK_ABOVE = 400;
/** Runs with more nodes than this open on the node list; the graph is drawn when asked for. */
const GRAPH_ON_REQUEST_ABOVE = 2_000;
/** Nodes a column holds in the graph drawn without the plan. */
const COLUMN_HEIGHT = 100;

function sameView(a: NodeView, b: NodeView): boolean {
  return (
    a.status === b.status &&
    a.costUsd === b.costUsd &&
    a.attempts === b.attempts &&
    a.critical === b.critical &&
    a.progress === b.progress &&
    a.agent?.turn === b.agent?.turn &&
    a.agent?.toolCalls === b.agent?.toolCalls &&
    a.stats?.p95Ms === b.stats?.p95Ms &&
    a.stats?.successRate === b.stats?.successRate
  );
}

/** An agent loop's turn and calls: live from its events, else from its output (`turns`, `toolCalls`) once it ended. */
function agentView(live: LiveAgent | undefined, output: unknown): NodeView['agent'] {
  if (live && live.progress.turn > 0) return { turn: live.progress.turn, toolCalls: live.progress.toolCalls };
  const o = output as { turns?: unknown; toolCalls?: unknown } | undefined;
  return typeof o?.turns === 'number' && Array.isArray(o.toolCalls) ? { turn: o.turns, toolCalls: o.toolCalls.length } : undefined;
}

/** Node specs of a definition by id (what the node panel shows as the node's input). */
function specsOf(definition: Record<string, unknown> | undefined): Map<string, unknown> {
  const nodes = (definition?.nodes ?? []) as { id: string }[];
  return new Map(nodes.map((n) => [n.id, n]));
}

/**
 * `/runs/{id}`: the DAG live from the events stream (status and cost on each
 * node, per-node statistics across runs), the run's status in
 * `data-run-status`, actions for the role, the timeline with the critical
 * path, and the node panel.
 */
export default function RunPage({ id }: { id: string }) {
  const { run, progress, agents, connected } = useLiveRun(id);
  const data = run.data;
  const { definition, plan } = useRunPlan(id);
  const ended = data?.endedAt != null;
  const critical = useApi<CriticalPath>(ended ? `/runs/${encodeURIComponent(id)}/critical-path` : null);
  const stats = useApi<WorkflowAnalytics>(data && data.version !== null ? `/analytics/workflows/${encodeURIComponent(data.workflow)}` : null);
  const [selected, setSelected] = useState<string | null>(null);
  const [graphAsked, setGraphAsked] = useState(false);

  // Without the plan (a large run whose plan is still being compiled) the graph has the run's nodes, without edges.
  const graph = useMemo<{ nodes: PlanNode[]; levels: string[][] } | null>(() => {
    if (plan) return plan;
    if (!data) return null;
    const ids = Object.keys(data.nodes);
    if (ids.length <= FALLBACK_ABOVE) return null;
    const levels = Array.from({ length: Math.ceil(ids.length / COLUMN_HEIGHT) }, (_, i) => ids.slice(i * COLUMN_HEIGHT, (i + 1) * COLUMN_HEIGHT));
    return { nodes: ids.map((n) => ({ id: n, type: 'node', needs: [] })), levels };
  }, [plan, data]);

  // Each node's view object is kept while nothing on it changed, so the graph redraws only the nodes an event changed.
  const previousViews = useRef<Record<string, NodeView>>({});
  const views = useMemo(() => {
    const onPath = new Set(critical.data?.nodes.map((n) => n.id));
    const byNode = new Map(stats.data?.nodes.map((n) => [n.id, n]));
    const out: Record<string, NodeView> = {};
    for (const [nodeId, n] of Object.entries(data?.nodes ?? {})) {
      const s = byNode.get(nodeId);
      const agent = agentView(agents[nodeId], n.output);
      const view: NodeView = {
        status: n.status,
        costUsd: n.costUsd,
        attempts: n.attempts,
        critical: onPath.has(nodeId),
        ...(progress[nodeId] ? { progress: progress[nodeId] } : {}),
        ...(agent ? { agent } : {}),
        ...(s && s.executions > 1 ? { stats: { p95Ms: s.durationMs.p95, successRate: s.successRate } } : {}),
      };
      const before = previousViews.current[nodeId];
      out[nodeId] = before && sameView(before, view) ? before : view;
    }
    previousViews.current = out;
    return out;
  }, [data, progress, agents, critical.data, stats.data]);

  // The graph of a large run renders after the page, interruptibly: the status and actions show at once and the tab stays responsive.
  const deferredGraph = useDeferredValue(graph);
  const approvals = useMemo(() => (plan?.nodes ?? []).filter((n) => n.type === 'approval' && data?.nodes[n.id]?.status === 'waiting').map((n) => n.id), [plan, data]);
  const specs = useMemo(() => specsOf(definition), [definition]);

  if (run.error) return <p role="alert" className="error">{String(run.error)}</p>;
  if (!data) return <p className="muted">Loading run {id}…</p>;
  const nodeCount = Object.keys(data.nodes).length;
  const counts = Object.values(data.nodes).reduce<Record<string, number>>((c, n) => ({ ...c, [n.status]: (c[n.status] ?? 0) + 1 }), {});
  return (
    <section className="run-page">
      <div className="page-head">
        <h1>
          Run <code>{data.id}</code>
        </h1>
        <span data-run-status={data.status}>
          <StatusBadge status={data.status} />
        </span>
        <span className={`live ${connected ? 'on' : ''}`}>{connected ? 'live' : ended ? 'ended' : 'reconnecting…'}</span>
      </div>
      <dl className="facts">
        <dt>Workflow</dt>
        <dd>
          <Link to={`/workflows/${encodeURIComponent(data.workflow)}`}>{data.workflow}</Link>
          {data.version !== null ? ` v${data.version}` : ' (ad-hoc)'}
        </dd>
        <dt>Cost</dt>
        <dd>{usd(data.costUsd)}</dd>
        <dt>Priority</dt>
        <dd title="1 most urgent, 5 batch">{data.priority}</dd>
        <dt>Duration</dt>
        <dd>{duration(between(data.startedAt, data.endedAt))}</dd>
        <dt>Started</dt>
        <dd>{when(data.startedAt)}</dd>
        <dt>Nodes</dt>
        <dd>
          {nodeCount} ({Object.entries(counts).map(([s, c]) => `${c} ${s}`).join(', ')})
        </dd>
        {data.trigger?.type === 'rerun' && (
          <>
            <dt>Re-run of</dt>
            <dd>
              <Link to={`/runs/${encodeURIComponent(data.trigger.runId)}`}>{data.trigger.runId}</Link>
            </dd>
          </>
        )}
      </dl>
      {data.error && (
        <div className="error-box" role="alert">
          <strong>{data.error.code}</strong> {data.error.message}
          {data.error.node && (
            <>
              {' '}
              (node{' '}
              <button type="button" className="linklike" onClick={() => setSelected(data.error!.node!)}>
                {data.error.node}
              </button>
              )
            </>
          )}
        </div>
      )}
      <RunActions run={data} approvals={approvals} />
      <div className={`run-body${selected ? ' with-panel' : ''}`}>
        <div>
          {nodeCount > GRAPH_ON_REQUEST_ABOVE && !graphAsked ? (
            <>
              <NodeList run={data} onSelect={setSelected} />
              <button type="button" onClick={() => setGraphAsked(true)}>
                Show the graph of {nodeCount} nodes
              </button>
            </>
          ) : deferredGraph ? (
            <DagGraph nodes={deferredGraph.nodes} levels={deferredGraph.levels} views={views} selected={selected} onSelect={setSelected} label={`Graph of run ${data.id}`} />
          ) : (
            <p className="muted">Loading the definition…</p>
          )}
          <h2>Timeline</h2>
          <Timeline run={data} critical={critical.data} onSelect={setSelected} />
          {data.output !== undefined && (
            <details>
              <summary>Run output</summary>
              <pre className="json">{pretty(data.output)}</pre>
            </details>
          )}
          <details>
            <summary>Run input</summary>
            <pre className="json">{pretty(data.input)}</pre>
          </details>
        </div>
        {selected && <NodePanel run={data} nodeId={selected} spec={specs.get(selected)} agent={agents[selected]} onClose={() => setSelected(null)} />}
      </div>
    </section>
  );
}
