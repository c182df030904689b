import { sql, type SQL } from 'drizzle-orm';

/** Which runs an analytics query reads: started in `[since, until)`, of one workflow, or one run. */
export interface RunScope {
  since?: Date;
  until?: Date;
  workflow?: string | undefined;
  runId?: string;
}

/** The `where` conditions on `runs r` for a scope (the started-at and workflow indexes serve them). */
export function scopeFilter(scope: RunScope): SQL {
  const conditions: SQL[] = [sql`true`];
  if (scope.since) conditions.push(sql`r.started_at >= ${scope.since.toISOString()}::timestamptz`);
  if (scope.until) conditions.push(sql`r.started_at < ${scope.until.toISOString()}::timestamptz`);
  if (scope.workflow) conditions.push(sql`r.workflow_name = ${scope.workflow}`);
  if (scope.runId) conditions.push(sql`r.id = ${scope.runId}`);
  return sql.join(conditions, sql` and `);
}

/**
 * Joins each attempt (`ne`) to the run it counts for (`r`, with its stored
 * version `rv`): its own run, or for a part of a run (a loop iteration or map
 * batch, recorded as `<run id>.<suffix>` with no row of its own) the run it is
 * a part of. API run ids hold no dot.
 */
export const attemptRun = sql`left join runs own on own.id = ne.run_id
  join runs r on r.id = coalesce(own.id, split_part(ne.run_id, '.', 1))
  left join workflow_versions rv on rv.name = r.workflow_name and rv.version = r.workflow_version`;

/**
 * An attempt's cost, counted once: the record of a map, loop or workflow node
 * (stored without detail when its run ends) sums its child runs' attempts,
 * which count themselves, so it counts 0. Only detail-less rows are looked up
 * in the definition.
 */
export const attemptCost = sql`case
  when ne.detail is null and ne.cost_usd is not null and own.id is not null and exists (
    select 1 from jsonb_array_elements(coalesce(r.definition, rv.definition)->'nodes') dn
    where dn->>'id' = ne.node_id and dn->>'type' in ('map', 'loop', 'workflow')
  ) then 0
  else ne.cost_usd end`;

/**
 * The attempts (`ne`, with their run `r`) of a scope's runs. An attempt ends
 * after its run started, so `since` also bounds the attempts' end, which the
 * `ended_at` index serves.
 */
export function scopedAttempts(scope: RunScope): SQL {
  const ended = scope.since ? sql` and ne.ended_at >= ${scope.since.toISOString()}::timestamptz` : sql``;
  return sql`node_executions ne ${attemptRun} where ${scopeFilter(scope)}${ended}`;
}

/**
 * Common table expressions over a scope's runs, for queries that follow the
 * DAG from stored records:
 * - `scope`: each run with the definition it ran (ad-hoc, or its pinned version);
 * - `plan_nodes`: each node of that definition with its type;
 * - `edges`: (node, need) pairs, the implicit need of a switch's branches included;
 * - `times`: each stored node record's start and end;
 * - `ready`: when each node could start (its needs' last end, or the run's start),
 *   by joins and one aggregate, so hash joins keep it linear in nodes and edges.
 *
 * Critical paths are not walked here: a recursive walk over these CTEs, which
 * have no indexes, scanned every edge per step (see `CriticalPathsRepo`).
 */
export function graphCtes(scope: RunScope): SQL {
  return sql`
    with recursive scope as (
      select r.id as run_id, r.workflow_name, r.started_at as run_started, r.ended_at as run_ended, coalesce(r.definition, wv.definition) as def
      from runs r
      left join workflow_versions wv on wv.name = r.workflow_name and wv.version = r.workflow_version
      where ${scopeFilter(scope)}
    ),
    plan_nodes as (
      select s.run_id, n->>'id' as node_id, n->>'type' as node_type, n as spec
      from scope s cross join lateral jsonb_array_elements(s.def->'nodes') n
    ),
    edges as (
      select pn.run_id, pn.node_id, need as need_id
      from plan_nodes pn cross join lateral jsonb_array_elements_text(coalesce(pn.spec->'needs', '[]'::jsonb)) need
      union
      select pn.run_id, target, pn.node_id
      from plan_nodes pn
      cross join lateral (
        select jsonb_array_elements_text(c.value) as target from jsonb_each(coalesce(pn.spec->'cases', '{}'::jsonb)) c
        union
        select jsonb_array_elements_text(coalesce(pn.spec->'default', '[]'::jsonb))
      ) branch
      where pn.node_type = 'switch'
    ),
    times as (
      select rn.run_id, rn.node_id, (rn.record->>'startedAt')::timestamptz as started_at, (rn.record->>'endedAt')::timestamptz as ended_at
      from run_nodes rn join scope s on s.run_id = rn.run_id
    ),
    ready as (
      select t.run_id, t.node_id, t.started_at, t.ended_at, coalesce(nr.ready_at, s.run_started) as ready_at
      from times t join scope s on s.run_id = t.run_id
      left join (
        select e.run_id, e.node_id, max(nt.ended_at) as ready_at
        from edges e join times nt on nt.run_id = e.run_id and nt.node_id = e.need_id
        group by 1, 2
      ) nr on nr.run_id = t.run_id and nr.node_id = t.node_id
    )`;
}
