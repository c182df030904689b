/**
 * The Weft interpreter's Temporal shell: runs one definition's DAG durably.
 * The run id is the workflow id. What the run *is* (records, triggers,
 * onFailure, budget, carry) is the pure `RunMachine`; how a node runs is its
 * kind's executor (`./nodes`). This file only wires them to Temporal.
 *
 * Invariants:
 * 1. One suspension point: the loop in `drive` waits on one `DriveWake` for
 *    "something changed" (a node settled, a signal, the run timer). Nodes
 *    run as promises the loop does not await; each settles into the machine
 *    and marks the wake.
 * 2. One cancellation scope, `nodes`, holds every node: fail-fast and run
 *    cancellation cancel it as a whole (a scope per node would cost three more
 *    promises each, and the SDK captures a stack for every promise).
 * 3. The outcome is written even when the run was cancelled (non-cancellable),
 *    and the workflow fails only by rethrowing that cancellation.
 * 4. A continue-as-new carry holds what the next execution cannot read from
 *    the database: every node's status, the outputs a pending node or the run
 *    output may read (or their ids, when stored), spend, budget, pause and
 *    degraded. Settled records are stored before it continues.
 * 5. Command order is what recorded histories replay (test/fixtures/histories);
 *    a change of it goes behind `patched()`.
 * 6. A decision is checked against the state the interpreter reaches, never
 *    against one it has not caught up with: the approval handler is registered
 *    once the interpreter first has nothing left to do in an activation.
 *    Temporal holds an update that arrives before (a worker that has not seen
 *    the run gets a command-less history and the decision in one activation)
 *    until then; registering at the start would refuse it as NOT_WAITING.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  makeContinueAsNewFunc,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { FailureType } from '../dag/failure-types.js';
import { cancelled, failed, type NodeOutcome } from '../dag/outcome.js';
import { compilePlan, type PlanNode } from '../dag/plan.js';
import { nodeEvent } from '../dag/run-events.js';
import { RunMachine } from '../dag/run-machine.js';
import { SEGMENT_EVENTS } from '../dag/run-state.js';
import { reportStatus, runEvents } from './event-sink.js';
import { errorOf } from './failures.js';
import { HookOutbox } from './hook-outbox.js';
import { CARRY_INLINE_BYTES, loadStoredOutputs, STORE_CHUNK_BYTES, storeOutcome, storeSettled } from './run-store.js';
import { startRunTimer } from './run-timer.js';
import { approveUpdate, budgetSignal, pauseSignal, resumeSignal, RUN_WORKFLOW_TYPE, runStateQuery, decisionKey, type ApprovalDecision, type RunWorkflowInput, type RunWorkflowResult } from './messages.js';
import type { RunContext } from './nodes/executor.js';
import { runContext } from './run-context.js';
import { executeNode, reportsOwnHooks } from './nodes/registry.js';
import { WEFT_STATUS } from './search-attributes.js';
import { DriveWake } from './drive-wake.js';

/** The interpreter workflow. */
export async function weftRun(args: RunWorkflowInput): Promise<RunWorkflowResult> {
  const run = new RunShell(args);
  setHandler(runStateQuery, () => run.machine.snapshot(workflowInfo().workflowId));
  run.whenIdle(() => setHandler(approveUpdate, (decision) => run.decide(decision), { validator: (decision) => run.checkWaiting(decision) }));
  setHandler(pauseSignal, () => run.statusChanged(run.machine.pause()));
  setHandler(resumeSignal, () => run.statusChanged(run.machine.resume()));
  setHandler(budgetSignal, ({ budgetUsd }) => run.changedIf(run.machine.setBudget(budgetUsd)));
  return run.execute();
}

class RunShell {
  readonly machine: RunMachine;
  private readonly nodes = new CancellationScope();
  private readonly decisions = new Map<string, ApprovalDecision>();
  private readonly context: RunContext;
  private readonly hooks: HookOutbox | undefined;
  private running = 0;
  private readonly wake: DriveWake;
  /** Whether the run waits on what only the outside brings: stored outputs, or the drive loop's next change. */
  private parked = false;
  /** Whether the drive loop is over: the run is ending, or continuing as new. */
  private driven = false;
  /** Pauses and resumes so far: names each one's run event. */
  private statusChanges = 0;

  constructor(private readonly args: RunWorkflowInput) {
    const info = workflowInfo();
    this.wake = new DriveWake((args.engine ?? 1) >= 2);
    const plan = compilePlan(args.definition);
    this.machine = new RunMachine({
      plan,
      definition: args.definition,
      identity: { id: info.parent?.workflowId ?? info.workflowId, workflow: args.workflow, version: args.version },
      input: args.input,
      inherited: args.scope,
      carry: args.carry,
      reuse: args.reuse,
      startedAt: info.startTime,
      now: () => new Date(),
      // Only a run's own top-level nodes have events; a child run that is a part of one has none.
      onChange: args.scope ? undefined : (id, record) => runEvents.append(info.workflowId, args.workflow, [nodeEvent(info.workflowId, id, record)]),
    });
    this.hooks = args.hooks?.length ? new HookOutbox(args.hooks, info.workflowId, args.workflow) : undefined;
    this.context = runContext(info.workflowId, args, this.machine, this.decisions);
  }

  /** Calls `then` once the interpreter first has nothing left to do in its activation (invariant 6). */
  whenIdle(then: () => void): void {
    // Not cancellable: a cancelled run still answers late decisions with NOT_WAITING, not with "no handler".
    void CancellationScope.nonCancellable(() => condition(() => this.driven || (this.parked && !this.wake.pending))).then(then);
  }

  /** Refuses a decision for a node that is not an approval waiting for one (the API answers 409). */
  checkWaiting(decision: ApprovalDecision): void {
    const waits = decision.callId === undefined ? this.machine.awaitsDecision(decision.nodeId) : this.machine.awaitsCall(decision.nodeId, decision.callId);
    if (waits && !this.decisions.has(decisionKey(decision))) return;
    const status = this.machine.plan.byId.has(decision.nodeId) ? this.machine.record(decision.nodeId).status : 'not in this run';
    throw ApplicationFailure.create({ type: FailureType.NotWaiting, message: `node ${decision.nodeId} is ${status}, not waiting for approval`, nonRetryable: true });
  }

  decide(decision: ApprovalDecision) {
    this.decisions.set(decisionKey(decision), decision);
    return { approved: decision.approved, by: decision.by, comment: decision.comment ?? null, decidedAt: new Date().toISOString(), auto: false };
  }

  /** Wakes the loop when a signal changed something. */
  changedIf(changed: boolean): void {
    if (changed) this.wake.mark();
  }

  /** A pause or resume: wakes the loop and reports the run's new status. */
  statusChanged(changed: boolean): void {
    this.changedIf(changed);
    if (changed && !this.args.scope) reportStatus(workflowInfo().workflowId, this.args, this.machine, ++this.statusChanges);
  }

  async execute(): Promise<RunWorkflowResult> {
    let cancellation: unknown;
    // `limits.timeout`: when it passes, the run ends `timed_out` (RUN_TIMEOUT), cancelling what runs.
    const timer = startRunTimer(this.args.definition.limits?.timeout, this.machine.startedAt, (timeout) => {
      if (!this.machine.timeOut(timeout)) return;
      this.stopNodes();
      this.wake.mark();
    });
    log.info('run started', { workflow: this.args.workflow, version: this.args.version, continued: this.args.carry !== undefined });
    try {
      this.machine.start();
      let next: 'done' | 'continue';
      try {
        await loadStoredOutputs(this.machine, this.args.carry?.storedOutputs, (waiting) => (this.parked = waiting));
        next = await this.drive();
      } finally {
        this.driven = true;
      }
      if (next === 'continue') await this.continueRun();
    } catch (err) {
      if (!isCancellation(err)) throw err;
      cancellation = err;
      this.machine.cancel();
      this.nodes.cancel();
    } finally {
      timer?.cancel();
    }
    this.machine.finish();
    const { machine } = this;
    // Temporal's workflow logger: no command, and silent while replaying, so the line is written once.
    log.info('run ended', { workflow: this.args.workflow, status: machine.status, costUsd: machine.costUsd(), ...(machine.error ? { error: machine.error.code } : {}) });
    // Recording the outcome must happen even when the run itself was cancelled.
    await CancellationScope.nonCancellable(async () => {
      // Only runs started with Weft's attributes (the API's, child runs) update them: a namespace
      // without them registered would reject the upsert and the run could never complete.
      if (workflowInfo().typedSearchAttributes.get(WEFT_STATUS) !== undefined) upsertSearchAttributes([{ key: WEFT_STATUS, value: machine.status }]);
      await this.hooks?.flush();
      await storeOutcome(machine, this.args.scope !== undefined, this.args.engine ?? 1);
    });
    // Rethrowing marks the Temporal execution itself as cancelled.
    if (cancellation) throw cancellation;
    return {
      status: machine.status,
      output: machine.output,
      error: machine.error,
      costUsd: machine.costUsd(),
      ...(this.args.scope ? { nodes: machine.allRecords() } : {}),
    };
  }

  /**
   * Starts ready nodes up to the parallelism limit and waits for any to settle,
   * until none can run (`done`) or this execution's history is full and nothing
   * runs any more (`continue`).
   */
  private async drive(): Promise<'done' | 'continue'> {
    const { machine } = this;
    for (;;) {
      // One scope run per wake-up, not per node: each costs the SDK promises (invariant 2).
      if (this.canLaunch()) void this.nodes.run(() => Promise.resolve(this.launchReady()));
      if (this.running === 0) {
        if (machine.error || !machine.hasReady) return 'done';
        // Work is queued: the history is full, or the run is paused (then wait for resume or cancel).
        if (!machine.paused) return 'continue';
      }
      this.parked = true;
      await this.wake.next();
      this.parked = false;
    }
  }

  /** Whether the loop may start another node now (it may still find none ready). */
  private canLaunch(): boolean {
    const { machine } = this;
    return !machine.error && !machine.paused && this.running < machine.plan.maxParallel && !this.historyFull();
  }

  /** Starts ready nodes, in the `nodes` scope, up to the parallelism limit. */
  private launchReady(): void {
    const { machine } = this;
    while (this.canLaunch()) {
      const node = machine.take();
      if (node === undefined) {
        // `take` fails the run rather than start an agent node past the budget.
        if (machine.error) this.stopNodes(() => this.hooks?.budget(machine.error!, machine.budgetUsd, machine.costUsd()));
        return;
      }
      this.launch(node);
    }
  }

  /**
   * Whether this execution should start no more nodes and continue as new. Child
   * runs that are parts of a run never do: a map batch is 100 items, and a loop body is bounded by its size.
   */
  private historyFull(): boolean {
    if (this.args.scope) return false;
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= (this.args.segmentEvents ?? SEGMENT_EVENTS);
  }

  /**
   * Runs a node; the loop does not wait for it, it settles when done. No
   * `async` and one `then` per node: the SDK captures a stack trace for every
   * promise workflow code creates.
   */
  private launch(node: PlanNode): void {
    this.running += 1;
    let outcome: Promise<NodeOutcome> | NodeOutcome;
    try {
      outcome = executeNode(node, this.machine.bindings(node.id), this.context, () => {
        this.machine.begin(node.id);
        if (this.hooks && !reportsOwnHooks(node)) this.hooks.started(node.id, this.machine.record(node.id));
        return this.machine.record(node.id);
      });
    } catch (err) {
      outcome = this.outcomeOfThrow(node, err);
    }
    void Promise.resolve(outcome).then(
      (settled) => this.settle(node, settled),
      (err: unknown) => this.settle(node, this.outcomeOfThrow(node, err)),
    );
  }

  /** A node's executor threw: cancellation (the node's scope, or the run's), or a failure of its own. */
  private outcomeOfThrow(node: PlanNode, err: unknown): NodeOutcome {
    return isCancellation(err) ? cancelled({ type: FailureType.Cancelled, message: 'cancelled' }, this.machine.record(node.id).attempts) : failed(errorOf(err));
  }

  private settle(node: PlanNode, outcome: NodeOutcome): void {
    this.running -= 1;
    this.wake.mark();
    if (this.machine.settle(node, outcome)) this.stopNodes();
    if (this.hooks && !reportsOwnHooks(node) && outcome.kind !== 'condition-false') this.hooks.ended(node.id, this.machine.record(node.id));
  }

  /** Fail-fast (contract 3.3): whatever runs is cancelled. */
  private stopNodes(then?: () => void): void {
    this.nodes.cancel();
    then?.();
  }

  /** Stores the settled records, then continues as new with what the rest of the run needs. */
  private async continueRun(): Promise<never> {
    await storeSettled(this.machine, this.args.scope !== undefined);
    await condition(allHandlersFinished);
    // Named, not the current type: a scheduled run (weftScheduledRun) continues as the interpreter itself.
    return makeContinueAsNewFunc<typeof weftRun>({ workflowType: RUN_WORKFLOW_TYPE })({ ...this.args, carry: this.machine.carry(CARRY_INLINE_BYTES, STORE_CHUNK_BYTES) });
  }
}
