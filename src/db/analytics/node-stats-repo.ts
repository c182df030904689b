import { sql } from 'drizzle-orm';
import { DEFAULT_MAX_PARALLEL } from '../../dag/plan.js';
import type { Db } from '../client.js';
import { selectRows } from '../raw-query.js';
import type { Page } from './analytics-repo.js';
import { graphCtes, scopedAttempts, type RunScope } from './run-scope.js';

/** One node of one workflow over a scope's runs, from the node records of the runs in which it ran. */
export interface NodeStats {
  workflow: string;
  id: string;
  type: string | null;
  /** Runs in which the node ran (reused, skipped and never-started nodes do not count). */
  executions: number;
  succeeded: number;
  failed: number;
  /** Executions that succeeded, but not at the first attempt. */
  succeededAfterRetry: number;
  attemptsMean: number;
  retries: number;
  fallbacks: number;
  cacheHitRate: number;
  p50: number | null;
  p95: number | null;
  costTotal: number;
  costMean: number | null;
  /** Share of the workflow's runs whose critical path holds the node. */
  onCriticalPath: number;
  /** p95 duration of the workflow's ended runs, to weigh the node's against. */
  runP95: number | null;
  /** Nodes on the workflow's longest critical path: with one, the node is the run and "slow" says nothing. */
  longestPath: number;
}

/** One model a node's attempts used. */
export interface ModelStats {
  workflow: string;
  node: string;
  model: string;
  attempts: number;
  succeeded: number;
  /** Mean cost of its successful attempts. */
  meanCostUsd: number | null;
  /** Whether it served as a fallback (or only as the primary). */
  asFallback: boolean;
}

/** How often an agent node's resolved prompt recurred among its successful attempts. */
export interface RepeatedInputs {
  workflow: string;
  node: string;
  executions: number;
  distinctInputs: number;
  mostRepeated: number;
  /** Whether the node's definition sets `cache` (in any run read). */
  cached: boolean;
}

/** Per workflow, how long ready nodes waited to start (held by `maxParallel` or a pause). */
export interface WaitStats {
  workflow: string;
  runs: number;
  runsWithWaits: number;
  meanWaitedMs: number;
  maxWaitedMs: number;
  maxParallel: number;
}

/** A ready node that started this much later than it could have counts as having waited (beyond scheduling latency). */
const WAIT_THRESHOLD_MS = 500;

/** Node-level analytics and the evidence recommendations rest on. */
export class NodeStatsRepo {
  constructor(private readonly db: Db) {}

  /** Per (workflow, node), ordered by both. */
  async nodes(scope: RunScope, page: Page): Promise<NodeStats[]> {
    return selectRows(
      this.db,
      sql`
        ${graphCtes(scope)},
        records as (
          select s.workflow_name, rn.run_id, rn.node_id, rn.record->>'status' as status, (rn.record->>'attempts')::int as attempts,
            (rn.record->>'fallback') is not null as fell_back, (rn.record->>'costUsd')::float8 as cost_usd,
            coalesce(rn.record->'output'->>'cached', 'false') = 'true' as cached,
            (extract(epoch from (rn.record->>'endedAt')::timestamptz - (rn.record->>'startedAt')::timestamptz) * 1000)::float8 as duration_ms
          from run_nodes rn join scope s on s.run_id = rn.run_id
          where (rn.record->>'attempts')::int > 0
        ),
        paths as (select s.workflow_name, cp.run_id, cp.nodes from run_critical_paths cp join scope s on s.run_id = cp.run_id),
        -- Each stored path is read once a run (a path of 10,000 nodes is one large value: per-element reads were quadratic).
        path_runs as (select workflow_name, count(*)::float8 as runs, max(jsonb_array_length(nodes)) as longest from paths group by 1),
        -- Keyed by one text (names and node ids hold no '/'): joined on two columns, the planner misjudged the rows and
        -- merged on the workflow alone, filtering 10,000 × 10,000 pairs.
        path_nodes as (
          select p.workflow_name || '/' || n.id as node_key, count(distinct p.run_id)::float8 as runs
          from paths p cross join lateral jsonb_to_recordset(p.nodes) as n(id text)
          group by 1
        ),
        run_p95 as (
          select workflow_name, percentile_cont(0.95) within group (order by (extract(epoch from run_ended - run_started) * 1000)::float8) as p95
          from scope where run_ended is not null group by 1
        )
        select rec.workflow_name as "workflow", rec.node_id as "id", max(pn.node_type) as "type",
          count(*)::int as "executions",
          count(*) filter (where rec.status = 'succeeded')::int as "succeeded",
          count(*) filter (where rec.status = 'failed')::int as "failed",
          count(*) filter (where rec.status = 'succeeded' and rec.attempts > 1)::int as "succeededAfterRetry",
          avg(rec.attempts)::float8 as "attemptsMean",
          sum(rec.attempts - 1)::int as "retries",
          count(*) filter (where rec.fell_back)::int as "fallbacks",
          avg(case when rec.cached then 1 else 0 end)::float8 as "cacheHitRate",
          percentile_cont(0.5) within group (order by rec.duration_ms) as "p50",
          percentile_cont(0.95) within group (order by rec.duration_ms) as "p95",
          coalesce(sum(rec.cost_usd), 0)::float8 as "costTotal",
          avg(rec.cost_usd)::float8 as "costMean",
          coalesce(max(pnodes.runs) / nullif(max(pr.runs), 0), 0)::float8 as "onCriticalPath",
          max(rp.p95) as "runP95",
          coalesce(max(pr.longest), 0)::int as "longestPath"
        from records rec
        left join plan_nodes pn on pn.run_id = rec.run_id and pn.node_id = rec.node_id
        left join path_runs pr on pr.workflow_name = rec.workflow_name
        left join path_nodes pnodes on pnodes.node_key = rec.workflow_name || '/' || rec.node_id
        left join run_p95 rp on rp.workflow_name = rec.workflow_name
        group by rec.workflow_name, rec.node_id
        order by 1, 2
        limit ${page.limit} offset ${page.offset}`,
    );
  }

  /** Per (workflow, node, model): attempts, successes and mean cost, from the attempts' recorded model. */
  async models(scope: RunScope): Promise<ModelStats[]> {
    return selectRows(
      this.db,
      sql`
        select r.workflow_name as "workflow", ne.node_id as "node", coalesce(ne.detail->>'model', ne.output->>'model') as "model",
          count(*)::int as "attempts", count(*) filter (where ne.status = 'succeeded')::int as "succeeded",
          avg(ne.cost_usd) filter (where ne.status = 'succeeded')::float8 as "meanCostUsd",
          bool_or(ne.fallback is not null) as "asFallback"
        from ${scopedAttempts(scope)} and coalesce(ne.detail->>'model', ne.output->>'model') is not null
        group by 1, 2, 3
        order by 1, 2, 3`,
    );
  }

  /** Per agent node: how many runs sent it a prompt (system, prompt and model as resolved) another run sent too. */
  async repeatedInputs(scope: RunScope): Promise<RepeatedInputs[]> {
    return selectRows(
      this.db,
      sql`
        ${graphCtes(scope)},
        inputs as (
          select r.workflow_name, ne.node_id,
            md5(concat_ws(chr(10), ne.detail->>'system', ne.detail->>'prompt', ne.detail->>'model')) as input_key,
            count(distinct r.id) as runs
          from ${scopedAttempts(scope)} and ne.detail ? 'prompt' and ne.status = 'succeeded'
          group by 1, 2, 3
        ),
        cache_set as (select s.workflow_name, pn.node_id, bool_or(pn.spec ? 'cache') as cached from plan_nodes pn join scope s on s.run_id = pn.run_id group by 1, 2)
        select i.workflow_name as "workflow", i.node_id as "node", sum(i.runs)::int as "executions", count(*)::int as "distinctInputs",
          max(i.runs)::int as "mostRepeated", coalesce(bool_or(c.cached), false) as "cached"
        from inputs i left join cache_set c on c.workflow_name = i.workflow_name and c.node_id = i.node_id
        group by 1, 2
        order by 1, 2`,
    );
  }

  /** Per workflow: runs in which some ready node waited to start, and for how long. */
  async waits(scope: RunScope): Promise<WaitStats[]> {
    const waited = sql`greatest(extract(epoch from rd.started_at - rd.ready_at) * 1000, 0)`;
    return selectRows(
      this.db,
      sql`
        ${graphCtes(scope)}
        select s.workflow_name as "workflow", count(distinct s.run_id)::int as "runs",
          count(distinct rd.run_id) filter (where ${waited} >= ${WAIT_THRESHOLD_MS})::int as "runsWithWaits",
          coalesce(avg(${waited}) filter (where ${waited} >= ${WAIT_THRESHOLD_MS}), 0)::float8 as "meanWaitedMs",
          coalesce(max(${waited}), 0)::float8 as "maxWaitedMs",
          max(coalesce((s.def->'limits'->>'maxParallel')::int, ${DEFAULT_MAX_PARALLEL}))::int as "maxParallel"
        from scope s left join ready rd on rd.run_id = s.run_id and rd.started_at is not null
        group by 1
        order by 1`,
    );
  }
}
