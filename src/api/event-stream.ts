import type { Request, Response } from 'express';
import { isTerminalRun, type RunStatus } from '../dag/run-state.js';
import type { RunEventFilter, RunEventsRepo } from '../db/run-events-repo.js';
import type { RunEventRow } from '../db/schema/run-events.js';
import { Wakeup, type EventBus } from './event-bus.js';

/** A comment line goes out this often, so proxies and clients keep an idle stream open (contract weft-ops §1). */
export const KEEP_ALIVE_MS = 15_000;
/** Read again this often even without a wake, in case a notification was lost with a dropped LISTEN connection. */
const RECHECK_MS = 5_000;
/** Events read per query. */
const PAGE = 500;
/**
 * In a stream over many runs, an event id that is missing may belong to a
 * transaction not committed yet: events after it wait this long for it before
 * the stream moves on (a rolled-back or skipped insert leaves a gap for good).
 */
const GAP_WAIT_MS = 1_000;

export interface EventStreamOptions {
  repo: RunEventsRepo;
  bus: EventBus;
  filter: RunEventFilter;
  /** Events after this id are sent. */
  after: number;
  /** Sent first (the run's snapshot). */
  first?: { event: string; id: number; data: unknown };
  /** Whether ids are written by many processes at once (the stream over all runs): then gaps are waited for. */
  manyWriters: boolean;
  /** Ends the stream after this event (a run's final `run` event). */
  endsWith?: (row: RunEventRow) => boolean;
  /** A run's stream: its streamed model text goes out too, as it comes (no id, never replayed). */
  textOf?: string;
}

/** The final `run` event of a run: the stream of that run ends with it. */
export function isFinalRunEvent(row: RunEventRow): boolean {
  return row.kind === 'run' && isTerminalRun((row.data as { status: RunStatus }).status);
}

/**
 * Serves stored run events as server-sent events: each with its id, in id
 * order, from `after` on, woken by the bus; keep-alive comments while idle;
 * and, on a run's stream, its streamed text between them, without ids.
 * A client that reconnects with `Last-Event-ID` gets exactly the events after
 * that one.
 */
export async function serveEventStream(req: Request, res: Response, options: EventStreamOptions): Promise<void> {
  const wakeup = new Wakeup();
  const runId = options.filter.runId;
  const unsubscribe = await options.bus.subscribe((changed) => {
    if (runId === undefined || changed === runId) wakeup.wake();
  });
  let stopText: (() => void) | undefined;
  try {
    // Text is listened for before the snapshot goes: a client that has it misses no text sent after.
    if (options.textOf !== undefined) stopText = await options.bus.subscribeText(options.textOf, (event) => res.write(`event: agent\ndata: ${JSON.stringify(event)}\n\n`));
  } catch (err) {
    unsubscribe();
    throw err;
  }
  let open = true;
  req.on('close', () => {
    open = false;
    wakeup.wake();
  });
  res.status(200).set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  res.flushHeaders();
  const send = (id: number, event: string, data: unknown) => res.write(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  if (options.first) send(options.first.id, options.first.event, options.first.data);
  let last = options.after;
  let idleSince = Date.now();
  try {
    while (open) {
      const { rows, next, held } = await readBatch(options, last);
      last = next;
      for (const row of rows) {
        send(row.id, row.kind, row.data);
        if (options.endsWith?.(row)) return;
      }
      if (rows.length > 0) idleSince = Date.now();
      if (rows.length === PAGE) continue;
      if (Date.now() - idleSince >= KEEP_ALIVE_MS) {
        res.write(': keep-alive\n\n');
        idleSince = Date.now();
      }
      await wakeup.next(held ? GAP_WAIT_MS / 4 : Math.min(RECHECK_MS, KEEP_ALIVE_MS - (Date.now() - idleSince)));
    }
  } finally {
    unsubscribe();
    stopText?.();
    res.end();
  }
}

/**
 * The next events to send and the id to continue after. With many writers, the
 * rows are read unfiltered so that a gap in the ids shows; events past a young
 * gap wait for it.
 */
async function readBatch(options: EventStreamOptions, last: number): Promise<{ rows: RunEventRow[]; next: number; held: boolean }> {
  if (!options.manyWriters) {
    const rows = await options.repo.after(last, options.filter, PAGE);
    return { rows, next: rows.at(-1)?.id ?? last, held: false };
  }
  const all = await options.repo.after(last, {}, PAGE);
  const rows: RunEventRow[] = [];
  let next = last;
  for (const row of all) {
    if (row.id !== next + 1 && Date.now() - row.at.getTime() < GAP_WAIT_MS) return { rows, next, held: true };
    next = row.id;
    if (matches(row, options.filter)) rows.push(row);
  }
  return { rows, next, held: false };
}

function matches(row: RunEventRow, filter: RunEventFilter): boolean {
  if (filter.kind && row.kind !== filter.kind) return false;
  if (filter.workflow && row.workflow !== filter.workflow) return false;
  if (filter.status && (row.data as { status?: string }).status !== filter.status) return false;
  return !filter.runId || row.runId === filter.runId;
}
