import type { InheritedBindings, NodesView, RunIdentity } from './bindings.js';
import { chunkBySize } from './chunks.js';
import { resolveTemplates } from './expressions.js';
import { FailureType, RunErrorCode } from './failure-types.js';
import { nodeErrorOf } from './node-error.js';
import type { NodeOutcome } from './outcome.js';
import { outputReaders } from './output-readers.js';
import type { Plan, PlanNode } from './plan.js';
import {
  decodeStatuses,
  encodeStatuses,
  pendingRecord,
  type NodeRecord,
  type PendingToolCall,
  type NodeStatus,
  type RunCarry,
  type RunError,
  type RunReuse,
  type RunSnapshot,
  type RunStatus,
  type SkippedReason,
} from './run-state.js';
import type { Definition } from './schema.js';
import { Scheduler } from './scheduler.js';

/**
 * The state machine of one run's execution: node records, what expressions
 * see, the run's status, spend and output, and what it carries into its next
 * execution. Pure: no Temporal, no I/O; time comes from the injected clock. The
 * workflow shell (`src/workflows/run-workflow.ts`) feeds it node outcomes and
 * signals and performs the effects it asks for.
 *
 * Invariants:
 * 1. Every plan node has exactly one record. A record goes pending → running
 *    (→ waiting) → succeeded | failed | skipped | cancelled, or pending →
 *    skipped | cancelled; a settled record never changes again.
 * 2. `nodes` in the bindings always shows each record's current status and output.
 * 3. The first run error wins; once there is one, `take` hands out no node.
 * 4. `spent` is the sum of every settled node's cost, this execution's and the
 *    earlier ones' (carried).
 * 5. A record stored by an earlier execution, or by `markStored`, is never in a
 *    snapshot again: the database holds it.
 * 6. A node is handed out by `take` at most once, in definition order among
 *    the ready ones.
 * 7. Every change of a record passes through one place (`show`), which keeps
 *    the bindings and tells `onChange`.
 */
export class RunMachine {
  readonly plan: Plan;
  private readonly scheduler: Scheduler;
  private readonly records = new Map<string, NodeRecord>();
  private readonly view: NodesView = {};
  private readonly stored = new Set<string>();
  private readonly degradedBefore: boolean;
  private readonly now: () => Date;
  readonly startedAt: string;
  private statusNow: RunStatus = 'running';
  private errorNow: RunError | null = null;
  private outputNow: unknown = null;
  private endedAt: string | null = null;
  private pausedNow: boolean;
  private spent: number;
  private budget: number | undefined;

  constructor(
    private readonly options: {
      plan: Plan;
      definition: Definition;
      identity: RunIdentity;
      input: unknown;
      /** Set on a child run: what it inherits from its parent. */
      inherited?: InheritedBindings | undefined;
      /** Set when the run continued as new. */
      carry?: RunCarry | undefined;
      /** Set on a re-run: nodes that keep an earlier run's output and never run (ignored once the run carries its state). */
      reuse?: RunReuse | undefined;
      /** When the run started, if no carry says otherwise. */
      startedAt: Date;
      now: () => Date;
      /** Told of every change of a node's record, in order (the live event streams). */
      onChange?: ((id: string, record: NodeRecord) => void) | undefined;
    },
  ) {
    const { plan, carry } = options;
    this.plan = plan;
    this.now = options.now;
    this.scheduler = new Scheduler(plan.nodes);
    const statuses = carry ? decodeStatuses(carry.statuses) : [];
    for (const node of plan.nodes) {
      const status: NodeStatus = statuses[node.index] ?? 'pending';
      this.records.set(node.id, { ...pendingRecord(), status });
      this.view[node.id] = { output: carry?.outputs[node.id] ?? null, status };
      if (status !== 'pending') this.stored.add(node.id);
    }
    const reused = carry ? [] : this.reuse(options.reuse);
    this.scheduler.restore([...this.stored, ...reused].map((id) => [id, this.record(id).status]));
    this.startedAt = carry?.startedAt ?? options.startedAt.toISOString();
    this.degradedBefore = carry?.degraded ?? false;
    this.spent = carry?.spent ?? 0;
    this.pausedNow = carry?.paused ?? false;
    if (this.pausedNow) this.statusNow = 'paused';
    this.budget = carry ? carry.budgetUsd : options.definition.limits?.budgetUsd;
  }

  get status(): RunStatus {
    return this.statusNow;
  }

  get error(): RunError | null {
    return this.errorNow;
  }

  get output(): unknown {
    return this.outputNow;
  }

  get paused(): boolean {
    return this.pausedNow;
  }

  get budgetUsd(): number | undefined {
    return this.budget;
  }

  /** Whether ready nodes wait to be taken. */
  get hasReady(): boolean {
    return this.scheduler.readyCount > 0;
  }

  /** A node's record. */
  record(id: string): NodeRecord {
    return this.records.get(id)!;
  }

  /** Decides the nodes whose needs are met already; those skipped for their needs are settled. Call once. */
  start(): void {
    for (const id of this.scheduler.start()) this.skip(id, 'upstream');
  }

  /**
   * The next node to start, or undefined when none may start now (none ready,
   * paused, or the run has failed). An agent node over the budget fails the run
   * instead (contract 3.6): check `error` after an undefined.
   */
  take(): PlanNode | undefined {
    if (this.errorNow || this.pausedNow) return undefined;
    const id = this.scheduler.takeReady();
    if (id === undefined) return undefined;
    const node = this.plan.byId.get(id)!;
    if (node.kind === 'agent' && this.overBudget()) {
      this.fail({ code: RunErrorCode.BudgetExceeded, node: id, message: `the run has spent $${this.costUsd()} of its $${this.budget} budget; ${id} was not started` });
      return undefined;
    }
    return node;
  }

  /** The node starts running. */
  begin(id: string): void {
    const record = this.record(id);
    record.status = 'running';
    record.startedAt = this.now().toISOString();
    this.show(id);
  }

  /** The node waits (an approval, a sleep), with what people should see meanwhile. */
  wait(id: string, output?: unknown): void {
    const record = this.record(id);
    record.status = 'waiting';
    if (output !== undefined) record.output = output;
    this.show(id);
  }

  /**
   * Applies how a node ended: its record, its dependents (contract 3.2) and,
   * for a failure, `onFailure` (contract 3.3).
   * @returns true when this settle failed the run (fail-fast: cancel what runs).
   */
  settle(node: PlanNode, outcome: NodeOutcome): boolean {
    if (outcome.kind === 'condition-false') {
      this.skip(node.id, 'condition');
      this.propagate(node.id, 'skipped');
      return false;
    }
    const record = this.record(node.id);
    record.endedAt = this.now().toISOString();
    if (outcome.kind === 'succeeded') {
      this.spent += outcome.costUsd ?? 0;
      Object.assign(record, {
        status: 'succeeded',
        attempts: outcome.attempts,
        output: outcome.output,
        costUsd: outcome.costUsd,
        fallback: outcome.fallback,
        degraded: outcome.fallback !== null,
        ...(outcome.plugin ? { plugin: outcome.plugin } : {}),
      });
      this.show(node.id);
      for (const id of outcome.notTaken ?? []) {
        if (this.record(id).status !== 'pending') continue;
        this.scheduler.withdraw(id);
        this.skip(id, 'branch');
        this.propagate(id, 'skipped');
      }
      this.propagate(node.id, 'succeeded');
      return false;
    }
    record.attempts = outcome.attempts;
    record.error = outcome.error;
    if (outcome.costUsd !== undefined) {
      record.costUsd = outcome.costUsd;
      this.spent += outcome.costUsd;
    }
    if (outcome.cancelled || this.statusNow === 'cancelled') {
      record.status = 'cancelled';
      this.show(node.id);
      return false;
    }
    if (node.onFailure === 'skip') {
      Object.assign(record, { status: 'skipped', skippedReason: 'onFailure', degraded: true });
      this.show(node.id);
      this.propagate(node.id, 'skipped');
      return false;
    }
    record.status = 'failed';
    this.show(node.id);
    if (node.onFailure === 'continue') {
      this.propagate(node.id, 'failed');
      return false;
    }
    return this.fail({ code: RunErrorCode.NodeFailed, node: node.id, message: `node ${node.id} failed: ${outcome.error.message}` });
  }

  /**
   * `limits.timeout` passed: the run ends `timed_out` (contract 3.6).
   * @returns true when this failed the run (cancel what runs).
   */
  timeOut(timeout: string): boolean {
    if (this.errorNow) return false;
    this.statusNow = 'timed_out';
    return this.fail({ code: RunErrorCode.RunTimeout, message: `the run did not finish within ${timeout}` });
  }

  /** The run was cancelled: it ends `cancelled`. */
  cancel(): void {
    this.statusNow = 'cancelled';
    this.errorNow = { code: RunErrorCode.Cancelled, message: 'the run was cancelled' };
  }

  /** @returns whether anything changed. */
  pause(): boolean {
    if (this.statusNow !== 'running') return false;
    this.pausedNow = true;
    this.statusNow = 'paused';
    return true;
  }

  /** @returns whether anything changed. */
  resume(): boolean {
    if (!this.pausedNow) return false;
    this.pausedNow = false;
    if (this.statusNow === 'paused') this.statusNow = 'running';
    return true;
  }

  /** Sets `limits.budgetUsd` while the run lives; a bad value is ignored. @returns whether it was set. */
  setBudget(budgetUsd: number): boolean {
    if (!Number.isFinite(budgetUsd) || budgetUsd < 0) return false;
    this.budget = budgetUsd;
    return true;
  }

  /**
   * An agent node's tool calls that wait for a decision: the node shows
   * `waiting` while any does, and `running` again when none is left.
   */
  waitCalls(id: string, calls: PendingToolCall[]): void {
    const record = this.record(id);
    if (calls.length > 0) record.pendingToolCalls = calls;
    else delete record.pendingToolCalls;
    const status = calls.length > 0 ? 'waiting' : 'running';
    if (record.status === status) return;
    record.status = status;
    this.show(id);
  }

  /** Whether node `id` has tool call `callId` waiting for a decision. */
  awaitsCall(id: string, callId: string): boolean {
    return this.records.get(id)?.pendingToolCalls?.some((c) => c.callId === callId) ?? false;
  }

  /** Whether `id` is an approval node waiting for a decision. */
  awaitsDecision(id: string): boolean {
    return this.plan.byId.get(id)?.kind === 'approval' && this.records.get(id)?.status === 'waiting';
  }

  /**
   * Ends the run: the run output (when it has no error), nodes that never ran
   * become `cancelled`, and the final status is set.
   */
  finish(): void {
    if (!this.errorNow) this.resolveOutput();
    for (const [id, record] of this.records) {
      if (record.status === 'pending' || record.status === 'running' || record.status === 'waiting') {
        record.status = 'cancelled';
        this.show(id);
      }
    }
    if (this.statusNow === 'running' || this.statusNow === 'paused') this.statusNow = this.errorNow ? 'failed' : 'succeeded';
    this.endedAt = this.now().toISOString();
  }

  /** What expressions of `nodeId` (or of the run output) see: input, nodes, run, and inherited names. */
  bindings(nodeId?: string): object {
    const { inherited, identity, input } = this.options;
    return {
      input,
      nodes: this.nodes(),
      run: { ...identity, startedAt: this.startedAt },
      ...inherited?.vars,
      ...(nodeId === undefined ? {} : inherited?.nodeVars?.[nodeId]),
    };
  }

  /** Every node this run's expressions may read: its own and, in a child run, the inherited ones. */
  nodes(): NodesView {
    const outer = this.options.inherited?.outerNodes;
    return outer ? { ...outer, ...this.view } : this.view;
  }

  /** What `limits.budgetUsd` leaves, for child runs; undefined without a budget. */
  remainingBudgetUsd(): number | undefined {
    return this.budget === undefined ? undefined : Math.max(this.budget - this.costUsd(), 0);
  }

  /** The sum of node costs, rounded to 1e-12 USD so float noise never shows (prices are far coarser). */
  costUsd(): number {
    return Math.round(this.spent * 1e12) / 1e12;
  }

  /** Whether any node, stored by an earlier execution or of this one, was degraded. */
  degraded(): boolean {
    return this.degradedBefore || [...this.records.values()].some((r) => r.degraded);
  }

  /** Every record, for a child run's parent (it builds its loop or map output from them). */
  allRecords(): Record<string, NodeRecord> {
    return Object.fromEntries(this.records);
  }

  /** The run as `GET /runs/{id}` shows it, with only the records neither pending nor stored (invariant 5). */
  snapshot(id: string): RunSnapshot {
    const { identity, input } = this.options;
    return {
      id,
      workflow: identity.workflow,
      version: identity.version,
      status: this.statusNow,
      degraded: this.degraded(),
      input,
      output: this.outputNow,
      error: this.errorNow,
      costUsd: this.costUsd(),
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      nodes: Object.fromEntries(this.unstored()),
    };
  }

  /** Records not stored yet, in chunks of about `bytes` of JSON each. */
  unstoredChunks(bytes: number): Record<string, NodeRecord>[] {
    return chunkBySize(this.unstored(), ([id, record]) => JSON.stringify(record).length + id.length, bytes).map((chunk) => Object.fromEntries(chunk));
  }

  /** These records are in the database now. */
  markStored(ids: Iterable<string>): void {
    for (const id of ids) this.stored.add(id);
  }

  /** Outputs an earlier execution left in the database rather than in the carry. */
  restoreOutputs(outputs: Record<string, unknown>): void {
    for (const [id, output] of Object.entries(outputs)) this.view[id]!.output = output;
  }

  /**
   * What the next execution needs: statuses, and the outputs a node yet to run
   * or the run output may read, inline up to `inlineBytes`, beyond that as ids
   * to load in chunks of `chunkBytes`.
   */
  carry(inlineBytes: number, chunkBytes: number): RunCarry {
    const statusOf = (id: string) => this.record(id).status;
    const { readers, dynamic, forOutput } = outputReaders(this.options.definition, this.plan.sinks);
    const keepAll = forOutput === null || dynamic.some((id) => statusOf(id) === 'pending');
    const read: { id: string; bytes: number }[] = [];
    for (const node of this.plan.nodes) {
      if (statusOf(node.id) === 'pending') continue;
      if (keepAll || forOutput.has(node.id) || (readers.get(node.id) ?? []).some((r) => statusOf(r) === 'pending')) {
        read.push({ id: node.id, bytes: (JSON.stringify(this.view[node.id]!.output) ?? '').length + node.id.length });
      }
    }
    const total = read.reduce((sum, r) => sum + r.bytes, 0);
    const outputs: Record<string, unknown> = {};
    let storedOutputs: string[][] = [];
    if (total <= inlineBytes) {
      for (const { id } of read) outputs[id] = this.view[id]!.output;
    } else {
      storedOutputs = chunkBySize(read, (r) => r.bytes, chunkBytes).map((chunk) => chunk.map((r) => r.id));
    }
    return {
      startedAt: this.startedAt,
      statuses: encodeStatuses(this.plan.nodes.map((n) => statusOf(n.id))),
      outputs,
      ...(storedOutputs.length > 0 ? { storedOutputs } : {}),
      spent: this.spent,
      ...(this.budget === undefined ? {} : { budgetUsd: this.budget }),
      paused: this.pausedNow,
      degraded: this.degraded(),
    };
  }

  /** Settles the nodes a re-run keeps from an earlier run: succeeded, at no cost, without running. @returns their ids. */
  private reuse(reuse: RunReuse | undefined): string[] {
    if (!reuse) return [];
    const at = this.options.startedAt.toISOString();
    const ids = Object.keys(reuse.outputs).filter((id) => this.plan.byId.has(id));
    for (const id of ids) {
      Object.assign(this.record(id), { status: 'succeeded', attempts: 0, output: reuse.outputs[id], costUsd: 0, startedAt: at, endedAt: at, reused: true, reusedFrom: reuse.from });
      this.show(id);
    }
    return ids;
  }

  /** Contract 3.3 `fail`: the first error wins. @returns whether this call failed the run. */
  private fail(error: RunError): boolean {
    if (this.errorNow) return false;
    this.errorNow = error;
    return true;
  }

  private overBudget(): boolean {
    return this.budget !== undefined && this.costUsd() >= this.budget;
  }

  private unstored(): [string, NodeRecord][] {
    return [...this.records].filter(([id, r]) => r.status !== 'pending' && !this.stored.has(id));
  }

  private propagate(id: string, status: 'succeeded' | 'failed' | 'skipped'): void {
    for (const skipped of this.scheduler.settle(id, status)) this.skip(skipped, 'upstream');
  }

  private skip(id: string, reason: SkippedReason): void {
    const record = this.record(id);
    record.status = 'skipped';
    record.skippedReason = reason;
    record.endedAt ??= this.now().toISOString();
    this.show(id);
  }

  private show(id: string): void {
    const record = this.record(id);
    this.view[id] = { output: record.output, status: record.status };
    this.options.onChange?.(id, record);
  }

  /** The run output: `outputs` resolved, or every succeeded sink's output keyed by id. */
  private resolveOutput(): void {
    const outputs = this.options.definition.outputs;
    if (outputs === undefined) {
      this.outputNow = Object.fromEntries(this.plan.sinks.filter((id) => this.record(id).status === 'succeeded').map((id) => [id, this.view[id]!.output]));
      return;
    }
    try {
      this.outputNow = resolveTemplates(outputs, this.bindings()) ?? null;
    } catch (err) {
      this.errorNow = { code: FailureType.ExpressionError, message: `outputs: ${nodeErrorOf(err).message}` };
    }
  }
}
