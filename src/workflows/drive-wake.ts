import { CancellationScope, condition } from '@temporalio/workflow';

/**
 * What the interpreter's drive loop waits on: "something changed" (a node
 * settled, a signal, the run timer).
 *
 * Invariants:
 * 1. Direct (interpreter revision 2 on): a change marked while the loop runs
 *    is not lost: `next` resolves at once when one came since the loop last waited.
 * 2. Direct, the loop resumes in the same pass of microtasks as the change
 *    that woke it: a `condition` would cost the SDK another call into the
 *    workflow's context per activation, and promises it captures a stack for.
 *    Runs started before (their recorded histories) wait on the `condition`
 *    they always did, so commands keep their recorded order.
 * 3. The run's cancellation rejects the wait with the cancellation, as the
 *    `condition` in the run's root scope does.
 */
export class DriveWake {
  private marked = false;
  private waiter: { resolve(): void; reject(err: unknown): void } | undefined;
  private cancelled: { err: unknown } | undefined;
  constructor(private readonly direct: boolean) {
    if (!direct) return;
    CancellationScope.current().cancelRequested.catch((err: unknown) => {
      this.cancelled = { err };
      this.waiter?.reject(err);
      this.waiter = undefined;
    });
  }

  /** Whether a change came since the loop last woke. */
  get pending(): boolean {
    return this.marked;
  }

  /** Something changed: wakes the loop. */
  mark(): void {
    this.marked = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve();
  }

  /** Resolves at the next change (at once if one came since the last wake); the run's cancellation rejects it. */
  async next(): Promise<void> {
    if (!this.direct) {
      // As the recorded histories waited: what was marked since the last wake is dropped.
      this.marked = false;
      await condition(() => this.marked);
    } else if (this.cancelled) {
      throw this.cancelled.err;
    } else if (!this.marked) {
      await new Promise<void>((resolve, reject) => (this.waiter = { resolve, reject }));
    }
    this.marked = false;
  }
}
