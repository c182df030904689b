import { isTerminalRun } from '../../dag/run-state.js';
import type { ApiClient } from '../api-client.js';
import { CliError } from '../cli-error.js';
import { readStreamFrames } from '../../sse/event-stream-reader.js';
import { LiveRegion } from './live-region.js';
import { renderAgentChange, renderLive, renderNodeChange, renderRunLine } from './render.js';
import { applyEvent, type WatchState } from './state.js';

/** How the watcher shows the run. */
export interface WatchDisplay {
  out: NodeJS.WriteStream;
  /** Redraw in place (a terminal); otherwise one plain line a change. */
  live: boolean;
  color: boolean;
}

/** Redraws at most this often: events can come much faster than a person reads. */
const FRAME_MS = 100;
/** Reconnects after a dropped stream before giving up (the API keeps the events; `Last-Event-ID` loses none). */
const RECONNECTS = 5;

/**
 * Follows a run's event stream (contract weft-ops §1) and shows it, reconnecting
 * with `Last-Event-ID` when the connection drops, until the run's final event.
 */
export class RunWatcher {
  private state: WatchState | null = null;
  private lastId: string | undefined;
  private readonly region: LiveRegion;
  private suspended = false;
  private frame: NodeJS.Timeout | null = null;
  private readonly abort = new AbortController();

  constructor(
    private readonly client: ApiClient,
    private readonly runId: string,
    private readonly display: WatchDisplay,
  ) {
    this.region = new LiveRegion(display.out);
  }

  /** Watches until the run ends (its final state) or `stop()` (null). */
  async run(): Promise<WatchState | null> {
    // Durations of running nodes go on between events.
    const tick = this.display.live ? setInterval(() => this.draw(), 1_000) : null;
    try {
      for (let failures = 0; failures <= RECONNECTS && !this.abort.signal.aborted; ) {
        try {
          // A stream that brought events made progress: the count starts again.
          if ((await this.follow()) > 0) failures = 0;
        } catch (err) {
          if (this.abort.signal.aborted) break;
          // Only a lost connection is worth another try; an answer (404, 401) stays the same.
          if (failures >= RECONNECTS || (err instanceof CliError && err.code !== 'UNREACHABLE')) throw err;
        }
        if (this.state && isTerminalRun(this.state.status)) break;
        failures += 1;
        await new Promise((r) => setTimeout(r, 200 * failures));
      }
    } finally {
      if (tick) clearInterval(tick);
      if (this.frame) clearTimeout(this.frame);
    }
    if (this.abort.signal.aborted) return null;
    this.draw();
    return this.state;
  }

  /** Stops watching (the run goes on). */
  stop(): void {
    this.abort.abort();
  }

  /** Holds the live view (while a question is on screen); output resumes below it. */
  suspend(): void {
    this.suspended = true;
    this.region.release();
  }

  resume(): void {
    this.suspended = false;
    this.draw();
  }

  /** Reads one connection's events; resolves with how many came. */
  private async follow(): Promise<number> {
    const headers: Record<string, string> = this.lastId ? { 'last-event-id': this.lastId } : {};
    const res = await this.client.stream(`/runs/${encodeURIComponent(this.runId)}/events`, headers, this.abort.signal);
    let count = 0;
    if (!res.body) return count;
    for await (const frame of readStreamFrames(res.body)) {
      if (frame.kind !== 'event') continue;
      count += 1;
      if (frame.event.id) this.lastId = frame.event.id;
      this.state = applyEvent(this.state, frame.event);
      if (this.display.live) this.schedule();
      else this.line(frame.event, (frame.event.data as { nodeId?: string }).nodeId);
    }
    return count;
  }

  private schedule(): void {
    this.frame ??= setTimeout(() => {
      this.frame = null;
      this.draw();
    }, FRAME_MS);
  }

  private draw(): void {
    if (!this.state || this.suspended || !this.display.live) return;
    const width = Math.max(20, (this.display.out.columns || 100) - 1);
    this.region.update(renderLive(this.state, { width, now: Date.now(), color: this.display.color }));
  }

  private line(event: { event: string; data: unknown }, nodeId: string | undefined): void {
    if (!this.state || this.suspended) return;
    const kind = event.event;
    if (kind === 'agent') {
      // Turns and calls as they start; streamed text and settled calls add no line.
      const what = (event.data as { kind: string }).kind;
      const text = ['turn_started', 'tool_call', 'approval_needed'].includes(what) && nodeId ? renderAgentChange(this.state, nodeId) : '';
      if (text) this.display.out.write(`${text}\n`);
      return;
    }
    const now = Date.now();
    const text = kind === 'node' && nodeId ? renderNodeChange(this.state, nodeId, now) : renderRunLine(this.state, now);
    if (kind === 'snapshot') {
      this.display.out.write(`${text}\n`);
      for (const id of this.state.order) this.display.out.write(`${renderNodeChange(this.state, id, now)}\n`);
    } else if (text) this.display.out.write(`${text}\n`);
  }
}
