import { and, desc, eq, getTableColumns, notInArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { isTerminalRun, runStatuses, type NodeRecord, type RunSnapshot, type RunStatus } from '../dag/run-state.js';
import type { RunTrigger } from '../dag/run-trigger.js';
import type { Definition } from '../dag/schema.js';
import type { Db } from './client.js';
import { jsonRows, preparedRows, preparedSelect } from './raw-query.js';
import type { EventsStatement } from './run-events-repo.js';
import { runNodes } from './schema/run-nodes.js';
import { runs, type RunRow } from './schema/runs.js';

export interface NewRun {
  id: string;
  workflowName: string;
  workflowVersion: number | null;
  definition: Definition | null;
  input: unknown;
  idempotencyKey: string | null;
  createdBy: string | null;
  trigger: RunTrigger;
  /** Its task priority (src/dag/priority.ts). */
  priority: number;
  /** When the run started, if not now (a scheduled run records itself after its workflow started). */
  startedAt?: Date;
}

export interface RunListQuery {
  workflow?: string | undefined;
  status?: RunStatus | undefined;
  limit: number;
  /** Keyset position: the last row of the previous page (its `startKey`). */
  after?: { startKey: string; id: string } | undefined;
}

/**
 * A timestamp as the ISO 8601 text `Date.toISOString` makes (UTC, milliseconds
 * cut as a Date cuts them), formatted by PostgreSQL: in JavaScript, parsing the
 * driver's text into a Date and formatting it again cost ~3 µs a value, and a
 * page of the list has 100 of them.
 */
function isoText<T extends string | null>(column: typeof runs.startedAt | typeof runs.endedAt) {
  return sql<T>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

const LIST_COLUMNS = {
  id: runs.id,
  workflowName: runs.workflowName,
  workflowVersion: runs.workflowVersion,
  status: runs.status,
  degraded: runs.degraded,
  costUsd: runs.costUsd,
  priority: runs.priority,
  trigger: runs.trigger,
  startedAt: isoText<string>(runs.startedAt),
  endedAt: isoText<string | null>(runs.endedAt),
  // The keyset's time at the column's own precision (microseconds): a cursor in milliseconds skipped the runs started later in the same millisecond.
  startKey: sql<string>`to_char(${runs.startedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
};

/** The list's fields in the order its select names them. */
export const LIST_FIELDS = Object.keys(LIST_COLUMNS);

/**
 * The list's select for one combination of filters, with placeholders for
 * their values (`workflow`, `status`, `afterStartedAt`, `afterId`) and `limit`;
 * `RunsRepo.list` prepares one per combination (bench/run-list-cpu.ts runs it both ways).
 */
export function listSelect(db: Db, filter: { workflow: boolean; status: boolean; after: boolean }) {
  const filters: SQL[] = [];
  if (filter.workflow) filters.push(eq(runs.workflowName, sql.placeholder('workflow')));
  if (filter.status) filters.push(eq(runs.status, sql.placeholder('status')));
  // A row comparison, so that the position is a range of the (startedAt, id) index, not a filter over every newer row.
  if (filter.after) filters.push(sql`(${runs.startedAt}, ${runs.id}) < (${sql.placeholder('afterStartedAt')}::timestamptz, ${sql.placeholder('afterId')})`);
  return db
    .select(LIST_COLUMNS)
    .from(runs)
    .where(filters.length > 0 ? and(...filters) : undefined)
    .orderBy(desc(runs.startedAt), desc(runs.id))
    .limit(sql.placeholder('limit'));
}

/** A run as listed: its times as ISO 8601 text; `startKey` is its start as the keyset compares it. */
export type RunListRow = Pick<RunRow, Exclude<keyof typeof LIST_COLUMNS, 'startedAt' | 'endedAt' | 'startKey'>> & { startedAt: string; endedAt: string | null; startKey: string };

/** Which filters a list query has: each combination is one prepared statement. */
type ListShape = `${boolean}:${boolean}:${boolean}`;

/** Runs: one row each, created at start and completed when the run ends. */
export class RunsRepo {
  /** The list's statements by shape, built once: the list is the API's busiest read, and building its SQL cost more CPU than running it. */
  private readonly listStatements = new Map<ListShape, ReturnType<RunsRepo['prepareList']>>();

  /** `getWithNodes`'s statement, prepared: every `?wait=` reads it once. */
  private readonly withNodes: ReturnType<typeof prepareWithNodes>;

  constructor(private readonly db: Db) {
    this.withNodes = prepareWithNodes(db);
  }

  /**
   * Inserts a new run. With an idempotency key already used, inserts nothing and
   * returns the earlier run instead.
   */
  async insert(run: NewRun): Promise<{ row: RunRow; created: boolean }> {
    const [row] = await this.db
      .insert(runs)
      .values({ ...run, status: 'running' })
      .onConflictDoNothing({ target: runs.idempotencyKey })
      .returning();
    if (row) return { row, created: true };
    const [existing] = await this.db.select().from(runs).where(eq(runs.idempotencyKey, run.idempotencyKey ?? ''));
    if (!existing) throw new Error(`run insert conflicted but no run holds idempotency key ${run.idempotencyKey}`);
    return { row: existing, created: false };
  }

  /**
   * Inserts a new run without an idempotency key and its first events in one
   * statement (the events' NOTIFY is delivered at commit), unless `refusal`
   * (a query, see `BudgetsRepo.blockingSql`) finds a row: then nothing is
   * written, and that row (as JSON) is returned. Nothing of the run stays
   * behind when the statement fails.
   */
  async insertWithEvents(run: NewRun & { idempotencyKey: null }, events: EventsStatement, refusal: SQL = sql`select 1 where false`): Promise<{ refused: Record<string, unknown> | undefined }> {
    const [row] = await preparedRows<{ refused: string | null }>(
      this.db,
      sql`with refusal as (${refusal} limit 1),
        r as (
          insert into runs (id, workflow_name, workflow_version, definition, status, input, priority, created_by, trigger, started_at)
          select r->>'id', r->>'workflowName', (r->>'workflowVersion')::int, nullif(r->'definition', 'null'::jsonb), 'running', nullif(r->'input', 'null'::jsonb),
            (r->>'priority')::int, r->>'createdBy', nullif(r->'trigger', 'null'::jsonb), coalesce((r->>'startedAt')::timestamptz, now())
          from ${jsonRows([run])} where not exists (select 1 from refusal)
          returning id),
        ev as (${events.insert(sql`exists (select 1 from r)`)})
        select ${events.notified('ev')} as notified, (select row_to_json(x)::text from refusal x) as refused`,
    );
    return { refused: row?.refused ? (JSON.parse(row.refused) as Record<string, unknown>) : undefined };
  }

  async findByIdempotencyKey(key: string): Promise<RunRow | undefined> {
    const [row] = await this.db.select().from(runs).where(eq(runs.idempotencyKey, key));
    return row;
  }

  async get(id: string): Promise<RunRow | undefined> {
    const [row] = await this.db.select().from(runs).where(eq(runs.id, id));
    return row;
  }

  /**
   * The run's row and, once it has ended, its stored node records, in one
   * statement (what answering an ended run needs; a `?wait=` reads it once per
   * run). A live run's records are left out: they are read after its workflow
   * answers, so a chunk stored in between is not missed.
   */
  async getWithNodes(id: string): Promise<{ row: RunRow; nodes: Map<string, NodeRecord> | undefined } | undefined> {
    const [found] = await this.withNodes.execute({ id });
    if (!found) return undefined;
    const { storedNodes, ...row } = found;
    return { row, nodes: storedNodes === null ? undefined : new Map(JSON.parse(storedNodes) as [string, NodeRecord][]) };
  }

  /** A run's status alone, or undefined without the run: what a `?wait=` reads at each wake, not the row's definition and input (10,000 nodes' worth on a big ad-hoc run). */
  async status(id: string): Promise<RunStatus | undefined> {
    const [row] = await this.db.select({ status: runs.status }).from(runs).where(eq(runs.id, id));
    return row?.status;
  }

  /** Removes a run whose workflow could not be started, so no phantom run is listed. */
  async delete(id: string): Promise<void> {
    await this.db.delete(runs).where(eq(runs.id, id));
  }

  /** Newest first, keyset-paginated on (startedAt, id): the summary columns only, never a run's definition, input or output. */
  async list(query: RunListQuery): Promise<RunListRow[]> {
    const shape: ListShape = `${query.workflow !== undefined}:${query.status !== undefined}:${query.after !== undefined}`;
    let statement = this.listStatements.get(shape);
    if (!statement) {
      statement = this.prepareList(query.workflow !== undefined, query.status !== undefined, query.after !== undefined, shape);
      this.listStatements.set(shape, statement);
    }
    return statement({ workflow: query.workflow, status: query.status, afterStartedAt: query.after?.startKey, afterId: query.after?.id, limit: query.limit });
  }

  private prepareList(workflow: boolean, status: boolean, after: boolean, shape: ListShape) {
    // Every field is read as the driver decodes it: text, numbers, a boolean, JSON, and the times as text.
    return preparedSelect<RunListRow>(this.db, listSelect(this.db, { workflow, status, after }), LIST_FIELDS, `runs_list_${shape.replaceAll(':', '_')}`);
  }

  /**
   * Writes a run's final state (its nodes' records go to `run_nodes`); inserts the row when the run was started outside the API.
   * Says what the write did, so a retried finish can tell it already ended the run:
   * `ended` (the API's running row), `inserted` (no row yet: a run started
   * elsewhere) or `rewritten` (the row had ended already; written again the same);
   * and, from the row, what the run's end reads next (its ad-hoc definition, its start).
   * `origin`: who started a run that has no row yet (a refused scheduled run), recorded when it is inserted.
   */
  async finish(snapshot: Omit<RunSnapshot, 'nodes'>, origin?: { createdBy: string; trigger: RunTrigger }, alongside?: EndAlongside): Promise<FinishedRun> {
    const final = {
      status: snapshot.status,
      degraded: snapshot.degraded,
      output: snapshot.output,
      error: snapshot.error,
      costUsd: snapshot.costUsd,
      endedAt: snapshot.endedAt ? new Date(snapshot.endedAt) : new Date(),
    };
    const pinned = { definition: runs.definition, startedAt: runs.startedAt };
    const end = this.db
      .update(runs)
      .set(final)
      .where(and(eq(runs.id, snapshot.id), notInArray(runs.status, TERMINAL_STATUSES)))
      .returning(pinned);
    const together = alongside && (await this.endAlongside(end.getSQL(), alongside));
    const [ended] = together ? (together.ended ? [together.ended] : []) : await end;
    if (ended) return { outcome: 'ended', ...ended, ...(together ? { alerting: together.alerting } : {}) };
    const [inserted] = await this.db
      .insert(runs)
      .values({ id: snapshot.id, workflowName: snapshot.workflow, workflowVersion: snapshot.version, input: snapshot.input, startedAt: new Date(snapshot.startedAt), ...origin, ...final })
      .onConflictDoNothing({ target: runs.id })
      .returning(pinned);
    if (inserted) return { outcome: 'inserted', ...inserted };
    const [rewritten] = await this.db.update(runs).set(final).where(eq(runs.id, snapshot.id)).returning(pinned);
    return { outcome: 'rewritten', definition: rewritten?.definition ?? null, startedAt: rewritten?.startedAt ?? new Date(snapshot.startedAt) };
  }

  /**
   * The row's end and what goes `alongside` as one statement of
   * data-modifying CTEs: PostgreSQL runs each exactly once whatever the update
   * finds (a retried finish writes the records again: they are idempotent, and
   * an event stored before is skipped), and a NOTIFY is delivered at commit, so
   * whoever the end event wakes reads the whole run.
   */
  private async endAlongside(end: SQL, alongside: EndAlongside): Promise<{ ended: Pick<FinishedRun, 'definition' | 'startedAt'> | undefined; alerting: boolean }> {
    const ctes = [...alongside.writes.map((write, i) => sql`${sql.identifier(`w${i}`)} as (${write.getSQL()})`), ...(alongside.events ? [sql`ev as (${alongside.events.insert()})`] : []), sql`ended as (${end})`];
    // Selected so that PostgreSQL sends the NOTIFYs (an unread CTE of a select never runs).
    const notified = alongside.events ? alongside.events.notified('ev') : sql`0`;
    const [row] = await preparedRows<{ definition: Definition | null; started_at: string | Date | null; notified: number; alerting: boolean }>(
      this.db,
      sql`with ${sql.join(ctes, sql`, `)}
        select e.definition, e.started_at, ${notified} as notified, ${alongside.alerting ?? sql`true`} as alerting
        from (select 1) one left join ended e on true`,
    );
    // started_at is never null in a row: null here means the update ended nothing.
    return { ended: row?.started_at ? { definition: row.definition, startedAt: new Date(row.started_at) } : undefined, alerting: row?.alerting ?? true };
  }
}

/** What goes out with a run's end, in the statement that ends its row (see `RunsRepo.finish`). */
export interface EndAlongside {
  /** Idempotent writes: the run's last records. */
  writes: readonly SQLWrapper[];
  /** The run's end event, stored and notified in the same transaction as the row. */
  events?: EventsStatement;
  /** A condition read with the end: whether alert rules watch the run (true when not given). */
  alerting?: SQL;
}

/** What `RunsRepo.finish` did, and what the run's row says of the run's start. */
export interface FinishedRun {
  outcome: FinishOutcome;
  /** Whether alert rules watch the run's end, when read with it (`EndAlongside.alerting`). */
  alerting?: boolean;
  /** The ad-hoc definition the run ran (null for a stored version's run). */
  definition: Definition | null;
  /** When the row says the run started: the API's clock, before the workflow's. */
  startedAt: Date;
}

/** What `RunsRepo.finish` did: see there. */
export type FinishOutcome = 'ended' | 'inserted' | 'rewritten';

const TERMINAL_STATUSES = runStatuses.filter(isTerminalRun);

/** A run's row, and its stored records once it has ended (see `RunsRepo.getWithNodes`). */
function prepareWithNodes(db: Db) {
  return db
    .select({
      ...getTableColumns(runs),
      // [[node id, record], …] as JSON text, so both drivers hand it over alike; null while the run lives.
      storedNodes: sql<string | null>`case when ${runs.status} in (${sql.join(TERMINAL_STATUSES.map((s) => sql`${s}`), sql`, `)}) then (select coalesce(json_agg(json_build_array(${runNodes.nodeId}, ${runNodes.record})), '[]'::json)::text from ${runNodes} where ${runNodes.runId} = ${runs.id}) end`,
    })
    .from(runs)
    .where(eq(runs.id, sql.placeholder('id')))
    .prepare('runs_get_with_nodes');
}
