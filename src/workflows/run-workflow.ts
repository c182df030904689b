import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { parseDuration } from '../dag/duration.js';
import { evaluateExpression, isTruthy, resolveTemplates } from '../dag/expressions.js';
import { FailureType, RunErrorCode } from '../dag/failure-types.js';
import { chunkBySize } from '../dag/chunks.js';
import { outputReaders } from '../dag/output-readers.js';
import { compilePlan, type Plan, type PlanNode } from '../dag/plan.js';
import {
  decodeStatuses,
  encodeStatuses,
  pendingRecord,
  type NodeRecord,
  type NodeStatus,
  SEGMENT_EVENTS,
  type RunCarry,
  type RunError,
  type RunSnapshot,
  type RunStatus,
  type SkippedReason,
} from '../dag/run-state.js';
import { Scheduler } from '../dag/scheduler.js';
import type { WeftActivities } from '../activities/contract.js';
import { errorOf } from './failures.js';
import {
  approveUpdate,
  budgetSignal,
  NOT_WAITING,
  pauseSignal,
  resumeSignal,
  runStateQuery,
  type ApprovalDecision,
  type RunWorkflowInput,
  type RunWorkflowResult,
} from './messages.js';
import { executors, type NodeOutcome, type RunContext } from './node-executors.js';
import { WEFT_STATUS } from './search-attributes.js';

/** Persisting the outcome must outlast a database outage, so it retries for a long time. */
const storeOptions = {
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '7 days',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;
const { finishRun, saveNodes, loadOutputs } = proxyActivities<WeftActivities>(storeOptions);
/**
 * Runs from this patch on write their outcome in a local activity: one marker
 * event instead of a server round trip through the task queue, on every run's
 * critical path. Earlier histories keep the activity.
 */
const LOCAL_FINISH_PATCH = 'weft-local-finish-run';
const local = proxyLocalActivities<WeftActivities>(storeOptions);

/**
 * The Weft interpreter: runs one definition's DAG durably. The run id is the
 * workflow id. Node activities carry their own retry policies; everything else
 * (triggers, conditions, transforms, output) is evaluated here, deterministically.
 */
export async function weftRun(args: RunWorkflowInput): Promise<RunWorkflowResult> {
  const run = new RunInterpreter(args);
  setHandler(runStateQuery, () => run.snapshot());
  setHandler(approveUpdate, (decision) => run.decide(decision), { validator: (decision) => run.checkWaiting(decision) });
  setHandler(pauseSignal, () => run.pause());
  setHandler(resumeSignal, () => run.resume());
  setHandler(budgetSignal, ({ budgetUsd }) => run.setBudget(budgetUsd));
  return run.execute();
}

/** Node records go to the database in chunks of about this many bytes of JSON, far below Temporal's 2 MB payload limit. */
const STORE_CHUNK_BYTES = 256 * 1024;
/**
 * Carried outputs up to this size travel in the continue-as-new input (next to
 * the definition); beyond it, the next execution loads them from their stored records.
 */
const CARRY_INLINE_BYTES = 256 * 1024;

class RunInterpreter {
  private readonly plan: Plan;
  private readonly scheduler: Scheduler;
  private readonly records = new Map<string, NodeRecord>();
  /** What expressions see as `nodes`: each node's output and status. */
  private readonly nodesView: Record<string, { output: unknown; status: string }> = {};
  /**
   * Every node runs in this one scope, cancelled as a whole on fail-fast: a scope
   * per node would cost three more promises each, and the SDK captures a
   * source-mapped stack for every promise a workflow creates.
   */
  private readonly nodeScope = new CancellationScope();
  /** Settled nodes whose records are in the database already (stored before continuing as new, or in chunks at the end). */
  private readonly stored = new Set<string>();
  private readonly startedAt: string;
  /** Whether a node stored by an earlier execution was degraded. */
  private readonly degradedBefore: boolean;
  private status: RunStatus = 'running';
  private error: RunError | null = null;
  private output: unknown = null;
  private endedAt: string | null = null;
  private running = 0;
  private changed = false;
  private paused = false;
  /** Sum of node costs, kept as nodes settle: the budget check runs before every agent node. */
  private spent = 0;
  private budgetUsd: number | undefined;
  private readonly decisions = new Map<string, ApprovalDecision>();
  private readonly context: RunContext;

  constructor(private readonly args: RunWorkflowInput) {
    this.plan = compilePlan(args.definition);
    this.scheduler = new Scheduler(this.plan.nodes);
    const carry = args.carry;
    const statuses = carry ? decodeStatuses(carry.statuses) : [];
    for (const node of this.plan.nodes) {
      const status: NodeStatus = statuses[node.index] ?? 'pending';
      this.records.set(node.id, { ...pendingRecord(), status });
      this.nodesView[node.id] = { output: carry?.outputs[node.id] ?? null, status };
      if (status !== 'pending') this.stored.add(node.id);
    }
    this.scheduler.restore([...this.stored].map((id) => [id, this.records.get(id)!.status]));
    this.startedAt = carry?.startedAt ?? workflowInfo().startTime.toISOString();
    this.degradedBefore = carry?.degraded ?? false;
    this.spent = carry?.spent ?? 0;
    this.paused = carry?.paused ?? false;
    if (this.paused) this.status = 'paused';
    this.budgetUsd = carry ? carry.budgetUsd : args.definition.limits?.budgetUsd;
    this.context = {
      definition: args.definition,
      markWaiting: (id, output) => {
        const record = this.records.get(id)!;
        record.status = 'waiting';
        if (output !== undefined) record.output = output;
        this.setView(id, record);
      },
      nodesView: () => ({ ...this.args.scope?.outerNodes, ...this.nodesView }),
      remainingBudgetUsd: () => (this.budgetUsd === undefined ? undefined : Math.max(this.budgetUsd - this.costUsd(), 0)),
      maxParallel: this.plan.maxParallel,
      awaitDecision: async (id, timeoutMs) => {
        const arrived = () => this.decisions.has(id);
        if (timeoutMs === undefined) await condition(arrived);
        else if (!(await condition(arrived, timeoutMs))) return null;
        return this.decisions.get(id)!;
      },
    };
  }

  /** Refuses a decision for a node that is not an approval waiting for one (the API answers 409). */
  checkWaiting(decision: ApprovalDecision): void {
    const record = this.records.get(decision.nodeId);
    const node = this.plan.byId.get(decision.nodeId);
    if (!record || node?.spec.type !== 'approval' || record.status !== 'waiting' || this.decisions.has(decision.nodeId)) {
      throw ApplicationFailure.create({ type: NOT_WAITING, message: `${NOT_WAITING}: node ${decision.nodeId} is ${record ? record.status : 'not in this run'}, not waiting for approval` });
    }
  }

  decide(decision: ApprovalDecision) {
    this.decisions.set(decision.nodeId, decision);
    return { approved: decision.approved, by: decision.by, comment: decision.comment ?? null, decidedAt: new Date().toISOString(), auto: false };
  }

  pause(): void {
    if (this.status !== 'running') return;
    this.paused = true;
    this.status = 'paused';
    this.changed = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.status === 'paused') this.status = 'running';
    this.changed = true;
  }

  setBudget(budgetUsd: number): void {
    if (Number.isFinite(budgetUsd) && budgetUsd >= 0) this.budgetUsd = budgetUsd;
    this.changed = true;
  }

  async execute(): Promise<RunWorkflowResult> {
    let cancelled: unknown;
    const timer = this.startRunTimer();
    try {
      for (const id of this.scheduler.start()) this.skip(id, 'upstream');
      await this.loadStoredOutputs();
      if ((await this.loop()) === 'continue') await this.continueRun();
      if (!this.error) this.computeOutput();
    } catch (err) {
      if (!isCancellation(err)) throw err;
      cancelled = err;
      this.status = 'cancelled';
      this.error = { code: RunErrorCode.Cancelled, message: 'the run was cancelled' };
      this.cancelRunning();
    } finally {
      timer?.cancel();
    }
    this.closePending();
    if (this.status === 'running' || this.status === 'paused') this.status = this.error ? 'failed' : 'succeeded';
    this.endedAt = new Date().toISOString();
    // Recording the outcome must happen even when the run itself was cancelled.
    await CancellationScope.nonCancellable(async () => {
      // Only runs started with Weft's attributes (the API's, child runs) update them: a namespace
      // without them registered would reject the upsert and the run could never complete.
      if (workflowInfo().typedSearchAttributes.get(WEFT_STATUS) !== undefined) upsertSearchAttributes([{ key: WEFT_STATUS, value: this.status }]);
      // A large run stores its records in chunks first, so finishRun's payload stays small.
      let snapshot = this.snapshot();
      if (JSON.stringify(snapshot).length > STORE_CHUNK_BYTES) {
        await this.storeSettled();
        snapshot = this.snapshot();
      }
      const finish = patched(LOCAL_FINISH_PATCH) ? local.finishRun : finishRun;
      await finish({ snapshot, scopeOnly: this.args.scope !== undefined });
    });
    // Rethrowing marks the Temporal execution itself as cancelled.
    if (cancelled) throw cancelled;
    return {
      status: this.status,
      output: this.output,
      error: this.error,
      costUsd: this.costUsd(),
      ...(this.args.scope ? { nodes: Object.fromEntries(this.records) } : {}),
    };
  }

  /** The run as `GET /runs/{id}` shows it, with only the node records neither pending nor stored (see `runStateQuery`). */
  snapshot(): RunSnapshot {
    const info = workflowInfo();
    return {
      id: info.workflowId,
      workflow: this.args.workflow,
      version: this.args.version,
      status: this.status,
      degraded: this.degraded(),
      input: this.args.input,
      output: this.output,
      error: this.error,
      costUsd: this.costUsd(),
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      nodes: Object.fromEntries(this.unstored()),
    };
  }

  /** Whether any node, stored by an earlier execution or of this one, was degraded. */
  private degraded(): boolean {
    return this.degradedBefore || [...this.records.values()].some((r) => r.degraded);
  }

  /** Records of this execution's nodes that are neither pending nor stored yet. */
  private unstored(): [string, NodeRecord][] {
    return [...this.records].filter(([id, r]) => r.status !== 'pending' && !this.stored.has(id));
  }

  /**
   * Starts ready nodes up to the parallelism limit and waits for any to settle,
   * until none can run (`done`) or this execution's history is full and nothing
   * runs any more (`continue`).
   */
  private async loop(): Promise<'done' | 'continue'> {
    for (;;) {
      while (!this.error && !this.paused && this.running < this.plan.maxParallel && !this.historyFull()) {
        const id = this.scheduler.takeReady();
        if (id === undefined) break;
        const node = this.plan.byId.get(id)!;
        if (node.spec.type === 'agent' && this.overBudget()) {
          this.failRun({ code: RunErrorCode.BudgetExceeded, node: id, message: `the run has spent $${this.costUsd()} of its $${this.budgetUsd} budget; ${id} was not started` });
          break;
        }
        void this.launch(node);
      }
      if (this.running === 0) {
        if (this.error || this.scheduler.readyCount === 0) return 'done';
        // Work is queued: the history is full, or the run is paused (then wait for resume or cancel).
        if (!this.paused) return 'continue';
      }
      this.changed = false;
      await condition(() => this.changed);
    }
  }

  /**
   * Whether this execution should start no more nodes and continue as new. Child
   * scopes never do: a map batch is 100 items, and a loop body is bounded by its size.
   */
  private historyFull(): boolean {
    if (this.args.scope) return false;
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= (this.args.segmentEvents ?? SEGMENT_EVENTS);
  }

  /** Stores the settled records, then continues as new with what the rest of the run needs. */
  private async continueRun(): Promise<never> {
    await this.storeSettled();
    await condition(allHandlersFinished);
    return continueAsNew<typeof weftRun>({ ...this.args, carry: this.carry() });
  }

  /** Stores every settled record not stored yet, in chunks of at most STORE_CHUNK_BYTES. */
  private async storeSettled(): Promise<void> {
    const scopeOnly = this.args.scope !== undefined;
    const runId = workflowInfo().workflowId;
    for (const chunk of chunkBySize(this.unstored(), ([id, record]) => JSON.stringify(record).length + id.length, STORE_CHUNK_BYTES)) {
      await saveNodes({ runId, nodes: Object.fromEntries(chunk), scopeOnly });
      for (const [id] of chunk) this.stored.add(id);
    }
  }

  /** Loads the outputs an earlier execution left in the database rather than in the carry. */
  private async loadStoredOutputs(): Promise<void> {
    const runId = workflowInfo().workflowId;
    for (const nodeIds of this.args.carry?.storedOutputs ?? []) {
      for (const [id, output] of Object.entries(await loadOutputs({ runId, nodeIds }))) this.nodesView[id]!.output = output;
    }
  }

  /** What the next execution needs: statuses, and the outputs a node yet to run or the run output may read. */
  private carry(): RunCarry {
    const statusOf = (id: string) => this.records.get(id)!.status;
    const { readers, dynamic, forOutput } = outputReaders(this.args.definition, this.plan.sinks);
    const keepAll = forOutput === null || dynamic.some((id) => statusOf(id) === 'pending');
    const read: { id: string; bytes: number }[] = [];
    for (const node of this.plan.nodes) {
      if (statusOf(node.id) === 'pending') continue;
      if (keepAll || forOutput.has(node.id) || (readers.get(node.id) ?? []).some((r) => statusOf(r) === 'pending')) {
        read.push({ id: node.id, bytes: (JSON.stringify(this.nodesView[node.id]!.output) ?? '').length + node.id.length });
      }
    }
    const total = read.reduce((sum, r) => sum + r.bytes, 0);
    const outputs: Record<string, unknown> = {};
    let storedOutputs: string[][] = [];
    if (total <= CARRY_INLINE_BYTES) {
      for (const { id } of read) outputs[id] = this.nodesView[id]!.output;
    } else {
      storedOutputs = chunkBySize(read, (r) => r.bytes, STORE_CHUNK_BYTES).map((chunk) => chunk.map((r) => r.id));
    }
    return {
      startedAt: this.startedAt,
      statuses: encodeStatuses(this.plan.nodes.map((n) => statusOf(n.id))),
      outputs,
      ...(storedOutputs.length > 0 ? { storedOutputs } : {}),
      spent: this.spent,
      ...(this.budgetUsd === undefined ? {} : { budgetUsd: this.budgetUsd }),
      paused: this.paused,
      degraded: this.degraded(),
    };
  }

  /** Contract 3.6: once the spend reaches the budget, no new agent node starts. */
  private overBudget(): boolean {
    return this.budgetUsd !== undefined && this.costUsd() >= this.budgetUsd;
  }

  /** `limits.timeout`: when it passes, the run ends `timed_out` (RUN_TIMEOUT), cancelling what runs. */
  private startRunTimer(): CancellationScope | undefined {
    const timeout = this.args.definition.limits?.timeout;
    if (!timeout) return undefined;
    // Measured from the run's start, which an earlier execution may have made.
    const left = parseDuration(timeout) - (Date.now() - Date.parse(this.startedAt));
    const scope = new CancellationScope();
    scope
      .run(() => sleep(Math.max(left, 1)))
      .then(
        () => {
          if (this.error) return;
          this.status = 'timed_out';
          this.failRun({ code: RunErrorCode.RunTimeout, message: `the run did not finish within ${timeout}` });
          this.changed = true;
        },
        () => {},
      );
    return scope;
  }

  /** Runs a node; the loop does not wait for it, it settles when done. */
  private async launch(node: PlanNode): Promise<void> {
    this.running += 1;
    let outcome: NodeOutcome | 'condition-false' | undefined;
    let error: unknown;
    try {
      outcome = await this.nodeScope.run(() => this.runNode(node));
    } catch (err) {
      error = err;
    }
    this.running -= 1;
    this.changed = true;
    if (outcome === undefined) this.settleError(node, error);
    else this.settle(node, outcome);
  }

  /** Decides `when`, then runs the node with its type's executor. */
  private async runNode(node: PlanNode): Promise<NodeOutcome | 'condition-false'> {
    const scope = this.scope(node.id);
    if (node.spec.when !== undefined) {
      try {
        if (!isTruthy(evaluateExpression(node.spec.when, scope))) return 'condition-false';
      } catch (err) {
        return { kind: 'failed', failure: { error: errorOf(err), attempts: 0, cancelled: false } };
      }
    }
    const record = this.records.get(node.id)!;
    record.status = 'running';
    record.startedAt = new Date().toISOString();
    this.setView(node.id, record);
    const execute = () => executors[node.spec.type]!(node, scope, this.context);
    if (node.totalTimeoutMs === null) return execute();
    // totalTimeout bounds every attempt and fallback together: past it, whatever runs is cancelled.
    const deadline = Date.now() + node.totalTimeoutMs;
    try {
      return await CancellationScope.withTimeout(node.totalTimeoutMs, execute);
    } catch (err) {
      if (!isCancellation(err) || Date.now() < deadline || this.status === 'cancelled') throw err;
      return { kind: 'failed', failure: { error: { type: FailureType.Timeout, message: `totalTimeout ${node.spec.totalTimeout} exceeded` }, attempts: Math.max(record.attempts, 1), cancelled: false } };
    }
  }

  private settle(node: PlanNode, outcome: NodeOutcome | 'condition-false'): void {
    if (outcome === 'condition-false') {
      this.skip(node.id, 'condition');
      this.propagate(node.id, 'skipped');
      return;
    }
    const record = this.records.get(node.id)!;
    record.endedAt = new Date().toISOString();
    if (outcome.kind === 'succeeded') {
      this.spent += outcome.costUsd ?? 0;
      Object.assign(record, {
        status: 'succeeded',
        attempts: outcome.attempts,
        output: outcome.output,
        costUsd: outcome.costUsd,
        fallback: outcome.fallback,
        degraded: outcome.fallback !== null,
      });
      this.setView(node.id, record);
      for (const id of outcome.notTaken ?? []) {
        if (this.records.get(id)!.status !== 'pending') continue;
        this.scheduler.withdraw(id);
        this.skip(id, 'branch');
        this.propagate(id, 'skipped');
      }
      this.propagate(node.id, 'succeeded');
      return;
    }
    const { failure } = outcome;
    record.attempts = failure.attempts;
    record.error = failure.error;
    if (outcome.costUsd !== undefined) {
      record.costUsd = outcome.costUsd;
      this.spent += outcome.costUsd;
    }
    if (failure.cancelled || this.status === 'cancelled') {
      record.status = 'cancelled';
      this.setView(node.id, record);
      return;
    }
    if (node.onFailure === 'skip') {
      Object.assign(record, { status: 'skipped', skippedReason: 'onFailure', degraded: true });
      this.setView(node.id, record);
      this.propagate(node.id, 'skipped');
      return;
    }
    record.status = 'failed';
    this.setView(node.id, record);
    if (node.onFailure === 'continue') {
      this.propagate(node.id, 'failed');
      return;
    }
    this.failRun({ code: RunErrorCode.NodeFailed, node: node.id, message: `node ${node.id} failed: ${failure.error.message}` });
  }

  private settleError(node: PlanNode, err: unknown): void {
    if (isCancellation(err)) {
      this.settle(node, { kind: 'failed', failure: { error: { type: FailureType.Cancelled, message: 'cancelled' }, attempts: this.records.get(node.id)!.attempts, cancelled: true } });
    } else {
      this.settle(node, { kind: 'failed', failure: { error: errorOf(err), attempts: 1, cancelled: false } });
    }
  }

  /** Contract 3.3 `fail`: the run fails, running nodes are cancelled, pending ones become cancelled. */
  private failRun(error: RunError): void {
    if (this.error) return;
    this.error = error;
    this.cancelRunning();
  }

  private cancelRunning(): void {
    this.nodeScope.cancel();
  }

  private propagate(id: string, status: 'succeeded' | 'failed' | 'skipped'): void {
    for (const skipped of this.scheduler.settle(id, status)) this.skip(skipped, 'upstream');
  }

  private skip(id: string, reason: SkippedReason): void {
    const record = this.records.get(id)!;
    record.status = 'skipped';
    record.skippedReason = reason;
    record.endedAt ??= new Date().toISOString();
    this.setView(id, record);
  }

  /** Nodes that never ran because the run ended first become `cancelled`. */
  private closePending(): void {
    for (const [id, record] of this.records) {
      if (record.status === 'pending' || record.status === 'running' || record.status === 'waiting') {
        record.status = 'cancelled';
        this.setView(id, record);
      }
    }
  }

  private setView(id: string, record: NodeRecord): void {
    this.nodesView[id] = { output: record.output, status: record.status };
  }

  /** What a node's expressions see: the run input, nodes (a child scope's outer ones too), `run`, and scope variables. */
  private scope(nodeId?: string): object {
    const info = workflowInfo();
    const child = this.args.scope;
    return {
      input: this.args.input,
      nodes: child ? { ...child.outerNodes, ...this.nodesView } : this.nodesView,
      run: { id: info.parent?.workflowId ?? info.workflowId, workflow: this.args.workflow, version: this.args.version, startedAt: this.startedAt },
      ...child?.vars,
      ...(nodeId === undefined ? {} : child?.nodeVars?.[nodeId]),
    };
  }

  /** The run output: `outputs` resolved, or every succeeded sink's output keyed by id. */
  private computeOutput(): void {
    const outputs = this.args.definition.outputs;
    if (outputs === undefined) {
      this.output = Object.fromEntries(
        this.plan.sinks.filter((id) => this.records.get(id)!.status === 'succeeded').map((id) => [id, this.nodesView[id]!.output]),
      );
      return;
    }
    try {
      this.output = resolveTemplates(outputs, this.scope()) ?? null;
    } catch (err) {
      const e = errorOf(err);
      this.error = { code: FailureType.ExpressionError, message: `outputs: ${e.message}` };
    }
  }

  /** The sum of node costs, rounded to 1e-12 USD so float noise never shows (prices are far coarser). */
  private costUsd(): number {
    return Math.round(this.spent * 1e12) / 1e12;
  }
}
