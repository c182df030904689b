import { and, asc, eq, gt, max, sql, type SQL } from 'drizzle-orm';
import type { RunEvent } from '../dag/run-events.js';
import type { Db } from './client.js';
import { jsonRows, preparedRows } from './raw-query.js';
import { runEvents, type NewRunEvent, type RunEventKind, type RunEventRow } from './schema/run-events.js';

/**
 * The channel a NOTIFY names after events are stored. Its payload is the run
 * id, followed by {@link ENDED_MARK} when the batch holds the run's end (its
 * `run` event with `endedAt`): one who waits for the end wakes once, not at
 * every node's change.
 */
export const RUN_EVENTS_CHANNEL = 'weft_run_events';
/** What follows the run id, after a space, in the payload of a batch that ended the run. */
export const ENDED_MARK = 'ended';
/** The channel of streamed model text (`agent` events of kind `text`): never stored, the payload is the event itself. */
export const AGENT_TEXT_CHANNEL = 'weft_agent_text';
/** Events that go out in one write. */
interface Batch {
  rows: NewRunEvent[];
  done: Promise<ReadonlySet<string>>;
}

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
export const NOTIFY_PAYLOAD_MAX_BYTES = 7999;

/** Which stored events a stream reads. */
export interface RunEventFilter {
  runId?: string | undefined;
  kind?: RunEventKind | undefined;
  workflow?: string | undefined;
  /** A run status (`run` events only). */
  status?: string | undefined;
}

/**
 * The run events table: appended by the worker (node changes, pauses, the
 * end) and the API (the start), read by every API process's event streams.
 */
export class RunEventsRepo {
  /** Appends go out one after another, so a process stores its events in the order they happened. */
  private tail: Promise<unknown> = Promise.resolve();
  /** Events appended while the previous write was under way: they go out together in the next one. */
  private pending: Batch | undefined;

  constructor(private readonly db: Db) {}

  /**
   * Stores events of one run, in order, skipping any stored before (same dedup
   * key), then tells listeners. Events appended while a write is under way are
   * written together by the next one: one statement per batch (the insert and
   * its NOTIFY), not per event (a workflow task may change a hundred nodes at
   * once). Resolves to the events this call stored, the ones stored before left
   * out, so a caller can count a change once however often it is reported.
   */
  append(runId: string, workflow: string, events: readonly RunEvent[]): Promise<RunEvent[]> {
    const rows = rowsOf(runId, workflow, events);
    const stored = (done: Promise<ReadonlySet<string>>) => done.then((keys) => events.filter((e) => keys.has(e.dedup)));
    if (this.pending) {
      this.pending.rows.push(...rows);
      return stored(this.pending.done);
    }
    const batch: Batch = { rows, done: Promise.resolve(new Set()) };
    this.pending = batch;
    // After the I/O already queued (other runs' workflow tasks completing now): their events join this write.
    batch.done = this.tail.then(nextTurn).then(() => {
      // From here on, appends start the next batch.
      if (this.pending === batch) this.pending = undefined;
      return this.insert(batch.rows);
    });
    this.tail = batch.done.catch(() => {});
    return stored(batch.done);
  }

  /** Sends one streamed-text event to every API process (`payload` under `NOTIFY_PAYLOAD_MAX_BYTES`); it is not stored. */
  async notifyText(payload: string): Promise<void> {
    await this.db.execute(sql`select pg_notify(${AGENT_TEXT_CHANNEL}, ${payload})`);
  }

  /** Removes the events of a run that never started (Temporal refused it). */
  async forget(runId: string): Promise<void> {
    await this.db.delete(runEvents).where(eq(runEvents.runId, runId));
  }

  /** Events after `afterId` (exclusive), oldest first. */
  async after(afterId: number, filter: RunEventFilter, limit: number): Promise<RunEventRow[]> {
    return this.db
      .select()
      .from(runEvents)
      .where(and(gt(runEvents.id, afterId), ...conditions(filter)))
      .orderBy(asc(runEvents.id))
      .limit(limit);
  }

  /** The newest event's id (0 when there is none): where a stream that starts now begins. */
  async lastId(filter: RunEventFilter = {}): Promise<number> {
    const [row] = await this.db
      .select({ id: max(runEvents.id) })
      .from(runEvents)
      .where(and(...conditions(filter)));
    return row?.id ?? 0;
  }

  /** Resolves once every append made so far has gone out (stored, or failed): a write after it comes after them. */
  async settled(): Promise<void> {
    await this.tail;
  }

  /**
   * One run's events as parts of a statement of the caller's (the run's end
   * with its row, `RunsRepo.finish`): `insert()` is a CTE body, `notified(cte)`
   * a scalar that sends a NOTIFY per stored row of that CTE (the statement must
   * select it, or PostgreSQL never runs it). Await `settled` first, so they come
   * after this process's earlier events.
   */
  storing(runId: string, workflow: string, events: readonly RunEvent[]): EventsStatement {
    const rows = rowsOf(runId, workflow, events);
    return { insert: (onlyIf) => insertSql(rows, onlyIf), notified: notifiedSql };
  }

  /** Inserts the rows not stored before; resolves to the dedup keys of those it stored. */
  private async insert(rows: readonly NewRunEvent[]): Promise<ReadonlySet<string>> {
    if (rows.length === 0) return new Set();
    // One statement: the rows, and a NOTIFY for each run that got new ones. PostgreSQL sends
    // a payload repeated within a transaction once, so listeners wake once per run (and
    // once more with the end mark, for the batch that ended it); a batch of events stored
    // before wakes nobody.
    const inserted = await preparedRows<{ dedup: string }>(this.db, sql`with stored as (${insertSql(rows)}) select dedup, ${notifyExpression} from stored`);
    return new Set(inserted.map((r) => r.dedup));
  }
}

/**
 * The insert of rows not stored before, in their order (ids grow with it),
 * returning each stored row's dedup key and run, and whether it ended the run.
 * The rows travel as one JSON parameter: built value by value, a batch's
 * insert cost the worker more CPU than PostgreSQL spent running it.
 */
function insertSql(rows: readonly Pick<NewRunEvent, 'runId' | 'workflow' | 'kind' | 'dedup' | 'data'>[], onlyIf?: SQL): SQL {
  return sql`insert into run_events (run_id, workflow, kind, dedup, data)
    select r->>'runId', r->>'workflow', r->>'kind', r->>'dedup', r->'data' from ${jsonRows(rows)} ${onlyIf ? sql`where ${onlyIf} ` : sql``}order by n
    on conflict (dedup) do nothing
    returning dedup, run_id, kind = 'run' and data->>'endedAt' is not null as ended`;
}

/** Resolves in the event loop's next turn, after the callbacks of I/O that is ready now. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** See `RunEventsRepo.storing`. */
export interface EventsStatement {
  /** The insert, a CTE body; with `onlyIf`, only when that condition holds (it may read the statement's other CTEs). */
  insert(onlyIf?: SQL): SQL;
  /** How many NOTIFYs the rows the CTE named `cte` stored sent (sending them). */
  notified(cte: string): SQL;
}

/** The NOTIFY of a stored row (its run id, and the end mark when it ended the run). */
const notifyExpression = sql`pg_notify(${RUN_EVENTS_CHANNEL}, run_id || case when ended then ${` ${ENDED_MARK}`} else '' end)`;

function notifiedSql(cte: string): SQL {
  return sql`(select count(*) from (select ${notifyExpression} from ${sql.identifier(cte)}) n)::int`;
}

/** Events of one run as `run_events` rows. */
function rowsOf(runId: string, workflow: string, events: readonly RunEvent[]): NewRunEvent[] {
  return events.map((e) => ({ runId, workflow, kind: e.kind, dedup: e.dedup, data: e.data as unknown as Record<string, unknown> }));
}

function conditions(filter: RunEventFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.runId) where.push(eq(runEvents.runId, filter.runId));
  if (filter.kind) where.push(eq(runEvents.kind, filter.kind));
  if (filter.workflow) where.push(eq(runEvents.workflow, filter.workflow));
  if (filter.status) where.push(sql`${runEvents.data}->>'status' = ${filter.status}`);
  return where;
}
