import type { Database } from '../db/client.js';
import { AGENT_TEXT_CHANNEL, ENDED_MARK, RUN_EVENTS_CHANNEL } from '../db/run-events-repo.js';

/**
 * Wakes this API process's event streams and waiters when any process stored
 * events: one `LISTEN` per process, started on first use, fanned out in memory.
 * A wake only says "look again"; what happened is read from the events table.
 */
export class EventBus {
  private readonly listeners = new Set<(runId: string, ended: boolean) => void>();
  private listening: Promise<() => Promise<void>> | undefined;
  /** Streamed text's listeners by run: a payload is parsed once and goes to that run's streams only. */
  private readonly textListeners = new Map<string, Set<(event: unknown) => void>>();
  private listeningText: Promise<() => Promise<void>> | undefined;

  constructor(private readonly listen: Database['listen']) {}

  /**
   * Calls `onText` with each streamed-text event (`agent`, kind `text`) of run
   * `runId` that any process sends from now on; resolves once listening, to the
   * unsubscribe. Text is not stored: what was sent before is gone.
   */
  async subscribeText(runId: string, onText: (event: unknown) => void): Promise<() => void> {
    this.listeningText ??= this.listen(AGENT_TEXT_CHANNEL, (payload) => {
      let event: { runId?: unknown };
      try {
        event = JSON.parse(payload) as { runId?: unknown };
      } catch {
        return; // Not ours: only the turn activity sends on this channel.
      }
      for (const listener of this.textListeners.get(String(event.runId)) ?? []) listener(event);
    });
    const listeners = this.textListeners.get(runId) ?? new Set();
    this.textListeners.set(runId, listeners.add(onText));
    const unsubscribe = () => {
      listeners.delete(onText);
      if (listeners.size === 0 && this.textListeners.get(runId) === listeners) this.textListeners.delete(runId);
    };
    try {
      await this.listeningText;
    } catch (err) {
      this.listeningText = undefined;
      unsubscribe();
      throw err;
    }
    return unsubscribe;
  }

  /**
   * Calls `onWake` with the run id of every stored batch, and whether the batch
   * ended the run; resolves once listening, to the unsubscribe.
   */
  async subscribe(onWake: (runId: string, ended: boolean) => void): Promise<() => void> {
    this.listening ??= this.listen(RUN_EVENTS_CHANNEL, (payload) => {
      const [runId = '', mark] = payload.split(' ');
      for (const listener of this.listeners) listener(runId, mark === ENDED_MARK);
    });
    this.listeners.add(onWake);
    try {
      await this.listening;
    } catch (err) {
      // Let the next subscriber try again rather than keep a failed LISTEN forever.
      this.listening = undefined;
      this.listeners.delete(onWake);
      throw err;
    }
    return () => this.listeners.delete(onWake);
  }

  /** Stops listening (the process is stopping). */
  async close(): Promise<void> {
    const unlisten = await Promise.all([this.listening?.catch(() => undefined), this.listeningText?.catch(() => undefined)]);
    this.listening = undefined;
    this.listeningText = undefined;
    for (const stop of unlisten) await stop?.();
  }
}

/**
 * Something to wait on: resolves at the next wake (or after `ms`), and wakes
 * that came while nobody waited are not lost.
 */
export class Wakeup {
  private pending = false;
  private resolve: (() => void) | undefined;

  wake(): void {
    this.pending = true;
    this.resolve?.();
  }

  /** Resolves at the next wake, at once if one came since the last call, or after `ms`. */
  async next(ms: number): Promise<void> {
    if (!this.pending) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.resolve = resolve;
        timer = setTimeout(resolve, ms);
      });
      clearTimeout(timer);
      this.resolve = undefined;
    }
    this.pending = false;
  }
}

/**
 * The end of one run, heard from before that run's id is known: opened before
 * a run starts, it cannot miss the run's end, so whoever started the run needs
 * no status read to learn it has not ended yet. Until `follow` names the run,
 * it keeps the ids of the runs that ended meanwhile (the few milliseconds of a
 * start).
 */
export class EndWatch {
  readonly wakeup = new Wakeup();
  private run: string | undefined;
  private readonly early = new Set<string>();
  private heard = false;
  private unsubscribe: () => void = () => {};

  /** Listens from now on; resolves once listening. */
  static async open(bus: EventBus): Promise<EndWatch> {
    const watch = new EndWatch();
    watch.unsubscribe = await bus.subscribe((runId, ended) => watch.hear(runId, ended));
    return watch;
  }

  /** From now on only `runId`'s end counts (heard already if it came since `open`). */
  follow(runId: string): void {
    this.run = runId;
    this.heard ||= this.early.has(runId);
    this.early.clear();
  }

  /** Whether the followed run's end was heard. */
  get ended(): boolean {
    return this.heard;
  }

  close(): void {
    this.unsubscribe();
  }

  private hear(runId: string, ended: boolean): void {
    if (!ended) return;
    if (this.run === undefined) {
      this.early.add(runId);
    } else if (runId === this.run) {
      this.heard = true;
      this.wakeup.wake();
    }
  }
}
