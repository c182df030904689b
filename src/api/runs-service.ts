import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../dag/failure-types.js';
import { runPriority, temporalPriority } from '../dag/priority.js';
import { compilePlan } from '../dag/plan.js';
import { runEvent } from '../dag/run-events.js';
import { assembleNodes, isTerminalRun, type RunReuse, type RunSnapshot, type RunStatus } from '../dag/run-state.js';
import type { RunTrigger } from '../dag/run-trigger.js';
import type { Definition } from '../dag/schema.js';
import { formatWorkflowRef } from '../dag/workflow-ref.js';
import type { BudgetStatus } from '../db/budgets-repo.js';
import type { Repositories } from '../db/repositories.js';
import type { RunRow } from '../db/schema/runs.js';
import type { RunListRow } from '../db/runs-repo.js';
import type { Logger } from '../logger.js';
import { runsActive, runsStarted } from '../metrics/registry.js';
import type { PluginRegistry } from '../plugins/registry.js';
import {
  approveUpdate,
  budgetSignal,
  ENGINE,
  pauseSignal,
  resumeSignal,
  RUN_WORKFLOW_TYPE,
  runStateQuery,
  type ApprovalOutput,
  type RunWorkflowInput,
} from '../workflows/messages.js';
import { WEFT_STATUS, WEFT_WORKFLOW } from '../workflows/search-attributes.js';
import { checkRunInput, receiveDefinition, storedWorkflowExists } from './definitions.js';
import { schemaViolations } from '../json-schema/validator.js';
import { conversationView } from './conversation-view.js';
import { AppError } from './errors.js';
import { EndWatch, type EventBus } from './event-bus.js';
import { newRunId } from './ids.js';
import { rerunReuse, type RerunFrom } from './rerun-plan.js';

/** A live query that takes longer than this falls back to the stored row. */
const QUERY_DEADLINE_MS = 5_000;
/** Stored versions whose node order is kept in memory (versions never change). */
const NODE_ORDER_CACHE = 256;
/** A `?wait=` reads the run's status at least this often, whether or not its end woke it. */
const WAIT_RECHECK_MS = 5_000;

export interface RunsServiceDeps {
  repos: Repositories;
  temporal: { client: Client; taskQueue: string; eagerStart?: boolean };
  logger: Logger;
  /** Wakes waiters when a run's events are stored (its end among them). */
  bus: EventBus;
  /** Loaded plugins: ad-hoc definitions validate against them, and runs learn which hooks to deliver. */
  plugins: PluginRegistry;
  segmentEvents?: number;
}

export type StartRunRequest =
  | { workflow: string; version?: number | undefined; input?: unknown; idempotencyKey?: string | undefined; priority?: number | undefined }
  | { definition: unknown; input?: unknown; idempotencyKey?: string | undefined; priority?: number | undefined };

export interface StartedRun {
  id: string;
  status: RunStatus;
  workflow: string;
  version: number | null;
}

/** A run as the API answers with it: its state, with its priority and what started it. */
export type RunView = RunSnapshot & { priority: number; trigger: RunTrigger | null };

/** What starting a run did: the run, and whether this call created it (not the run of an earlier call's idempotency key). */
interface Launched {
  started: StartedRun;
  created: boolean;
}

export interface RunSummary {
  id: string;
  workflow: string;
  version: number | null;
  status: RunStatus;
  degraded: boolean;
  costUsd: number;
  /** Its task priority, 1 (most urgent) to 5 (src/dag/priority.ts). */
  priority: number;
  startedAt: string;
  endedAt: string | null;
  /** What started the run (weft-ops §5); null for a run started outside the API. */
  trigger: RunTrigger | null;
}

/** Starting, reading, listing and cancelling runs: the API's view of the interpreter. */
export class RunsService {
  private readonly nodeOrders = new Map<string, string[]>();

  constructor(private readonly deps: RunsServiceDeps) {}

  /**
   * Starts a run of a stored workflow (latest or given version) or of an ad-hoc
   * definition. Nothing starts unless the definition is valid and the input
   * matches its schema. The same idempotency key returns the same run.
   */
  async start(request: StartRunRequest, actor: string | null): Promise<StartedRun> {
    return (await this.startRun(request, actor)).started;
  }

  /**
   * `POST /runs?wait=`: starts a run as `start` does, its end listened for
   * from before it starts, and answers with the run once it ended within `ms`
   * (see `waitForEnd`), or as it was started.
   */
  async startAndWait(request: StartRunRequest, actor: string | null, ms: number): Promise<{ started: StartedRun; run: RunView }> {
    const watch = await EndWatch.open(this.deps.bus);
    try {
      const { started, created } = await this.startRun(request, actor);
      return { started, run: await this.waitForEnd(started.id, ms, { watch, running: created }) };
    } finally {
      watch.close();
    }
  }

  /** Starts a run, or finds the one of the same idempotency key (`created` false). */
  private async startRun(request: StartRunRequest, actor: string | null): Promise<Launched> {
    const { repos } = this.deps;
    if (request.idempotencyKey) {
      const existing = await repos.runs.findByIdempotencyKey(request.idempotencyKey);
      if (existing) return { started: startedFrom(existing), created: false };
    }
    let definition: Definition;
    let version: number | null = null;
    if ('workflow' in request) {
      const stored = await repos.workflows.get(request.workflow, request.version);
      if (!stored) {
        throw new AppError('NOT_FOUND', `no stored workflow ${formatWorkflowRef(request.workflow, request.version)}`);
      }
      definition = stored.definition;
      version = stored.version;
    } else {
      definition = (await receiveDefinition(request.definition, storedWorkflowExists(repos.workflows), this.deps.plugins)).definition;
    }
    const input = request.input ?? {};
    checkRunInput(definition, input);
    const priority = runPriority(request.priority, definition.limits);
    return this.launch({ definition, version, input, priority, idempotencyKey: request.idempotencyKey ?? null, createdBy: actor, trigger: { type: 'api', keyId: actor } });
  }

  /**
   * Re-runs an ended run (contract weft-ops §6): a new run of the same
   * definition version (or ad-hoc definition) and input, in which the nodes
   * `rerunReuse` keeps take their stored output instead of running.
   * @throws AppError `CONFLICT` while the run lives, `NOT_FOUND` for an unknown run or node.
   */
  async rerun(id: string, from: RerunFrom, actor: string | null): Promise<StartedRun & { rerunOf: string }> {
    const { repos } = this.deps;
    const row = await repos.runs.get(id);
    if (!row) throw new AppError('NOT_FOUND', `no run ${id}`);
    if (!isTerminalRun(row.status)) throw new AppError('CONFLICT', `run ${id} has not ended (${row.status}); only an ended run can be re-run`);
    const definition = await this.pinnedDefinition(row);
    const plan = compilePlan(definition);
    if (from !== 'failed' && !plan.byId.has(from)) throw new AppError('NOT_FOUND', `run ${id} has no node ${from}`, { path: '/from' });
    const reuse = rerunReuse(plan, await repos.runNodes.list(id), from, id);
    const { started } = await this.launch({ definition, version: row.workflowVersion, input: row.input ?? {}, priority: row.priority, idempotencyKey: null, createdBy: actor, trigger: { type: 'rerun', runId: id }, reuse });
    return { ...started, rerunOf: id };
  }

  /**
   * Records a run and starts its workflow, unless a `block` budget of the
   * workflow is spent (409 `BUDGET_EXCEEDED`). A run Temporal does not accept
   * leaves no row behind.
   */
  private async launch(run: {
    definition: Definition;
    version: number | null;
    input: unknown;
    priority: number;
    idempotencyKey: string | null;
    createdBy: string | null;
    trigger: RunTrigger;
    reuse?: RunReuse;
  }): Promise<Launched> {
    const { repos } = this.deps;
    const { definition, version, input } = run;
    const id = newRunId();
    const startedAt = new Date();
    const row = {
      id,
      workflowName: definition.name,
      workflowVersion: version,
      definition: version === null ? definition : null,
      input,
      priority: run.priority,
      createdBy: run.createdBy,
      trigger: run.trigger,
      startedAt,
    };
    // Before the workflow starts, so the start is the run's first event, ahead of any node's.
    const start = [runEvent({ runId: id, workflow: definition.name, version, status: 'running', degraded: false, costUsd: 0, error: null, startedAt: startedAt.toISOString(), endedAt: null }, 'start')];
    if (run.idempotencyKey) {
      const blocking = await repos.budgets.blocking(definition.name);
      if (blocking) throw budgetExceeded(blocking, definition.name);
      // The key may name an earlier run: then there is no new start.
      const { row: stored, created } = await repos.runs.insert({ ...row, idempotencyKey: run.idempotencyKey });
      if (!created) return { started: startedFrom(stored), created: false };
      await repos.runEvents.append(id, definition.name, start);
    } else {
      // The budget check, the row and its start event in one statement: a refused or failed one leaves nothing.
      const { refused } = await repos.runs.insertWithEvents({ ...row, idempotencyKey: null }, repos.runEvents.storing(id, definition.name, start), repos.budgets.blockingSql(definition.name));
      if (refused) throw budgetExceeded(repos.budgets.statusOf(refused), definition.name);
    }
    const { segmentEvents } = this.deps;
    // Only when a hook is loaded: without one, runs schedule no hook activity at all.
    const hooks = this.deps.plugins.hookNames();
    const args: RunWorkflowInput = {
      definition,
      input,
      workflow: definition.name,
      version,
      ...(segmentEvents === undefined ? {} : { segmentEvents }),
      ...(hooks.length > 0 ? { hooks } : {}),
      ...(run.reuse ? { reuse: run.reuse } : {}),
      engine: ENGINE,
    };
    try {
      const handle = await this.deps.temporal.client.workflow.start(RUN_WORKFLOW_TYPE, {
        workflowId: id,
        taskQueue: this.deps.temporal.taskQueue,
        // Temporal falls back to an ordinary start when the worker has no free slot.
        ...(this.deps.temporal.eagerStart ? { requestEagerStart: true } : {}),
        // Orders its workflow tasks, and (inherited) its activities' and child runs', in a backlogged queue.
        priority: temporalPriority(run.priority),
        args: [args],
        // What Temporal's Web UI shows for the run: never its input, only the input's size.
        staticSummary: `${formatWorkflowRef(definition.name, version)} · ${run.createdBy ? `started by ${run.createdBy}` : 'started through the API'}`,
        staticDetails: runDetails(definition.name, version, run.createdBy, input),
        typedSearchAttributes: [
          { key: WEFT_WORKFLOW, value: definition.name },
          { key: WEFT_STATUS, value: 'running' },
        ],
      });
      this.deps.logger.info({ runId: id, workflow: definition.name, version, eagerlyStarted: handle.eagerlyStarted }, 'run started');
    } catch (err) {
      await repos.runs.delete(id);
      await repos.runEvents.forget(id);
      this.deps.logger.error({ err, runId: id }, 'could not start run');
      throw new AppError('UNAVAILABLE', 'Temporal did not accept the run; nothing was started');
    }
    // Counted once Temporal holds the run: a replayed idempotency key returned above, a refused start threw.
    runsStarted.inc({ workflow: definition.name });
    runsActive.inc({ workflow: definition.name });
    return { started: { id, status: 'running', workflow: definition.name, version }, created: true };
  }

  /**
   * The run: live from the workflow while it runs, from the database once it
   * ended. Node records stored as the run went (`run_nodes`) complete the live
   * answer, which holds only the current execution's nodes.
   */
  async get(id: string): Promise<RunView> {
    return (await this.read(id)).view;
  }

  /**
   * `get`'s answer, and whether its nodes are every node the run has: not when
   * the run lives, its workflow did not answer, and the definition that would
   * name its nodes is no longer stored (then only its stored records tell).
   */
  private async read(id: string): Promise<{ view: RunView; whole: boolean }> {
    const found = await this.deps.repos.runs.getWithNodes(id);
    if (!found) throw new AppError('NOT_FOUND', `no run ${id}`);
    const { row, nodes } = found;
    const { snapshot: run, answered } = nodes ? { snapshot: snapshotFrom(row), answered: true } : await this.live(row);
    const [stored, order] = await Promise.all([nodes ?? this.deps.repos.runNodes.list(id), this.nodeOrder(row)]);
    return { view: { ...run, priority: row.priority, trigger: row.trigger, nodes: assembleNodes(order, stored, run.nodes) }, whole: answered || order.length > 0 };
  }

  /**
   * The run once it has ended, or as it is when `ms` have passed first
   * (contract weft-ops §2). Woken by the run's end event, not by polling; a
   * status read every {@link WAIT_RECHECK_MS} covers a wake lost while the
   * listening connection reconnected. `watch`, opened before this caller
   * started the run (`running`), spares the first status read.
   */
  async waitForEnd(id: string, ms: number, opened?: { watch: EndWatch; running: boolean }): Promise<RunView> {
    const deadline = Date.now() + ms;
    const watch = opened?.watch ?? (await EndWatch.open(this.deps.bus));
    watch.follow(id);
    let read = !opened?.running;
    try {
      // The run's end is stored before its event (finishRun): once that came, the run is read as ended.
      while (!watch.ended) {
        if (read) {
          const status = await this.deps.repos.runs.status(id);
          if (!status) throw new AppError('NOT_FOUND', `no run ${id}`);
          if (isTerminalRun(status)) break;
        }
        const left = deadline - Date.now();
        if (left <= 0) break;
        read = true;
        await watch.wakeup.next(Math.min(left, WAIT_RECHECK_MS));
      }
    } finally {
      if (!opened) watch.close();
    }
    return this.get(id);
  }

  /**
   * The definition a run is pinned to (weft-ops §12): its ad-hoc definition,
   * or its stored version.
   * @throws AppError `NOT_FOUND` for an unknown run or a definition no longer stored.
   */
  async definition(id: string): Promise<{ workflow: string; version: number | null; definition: Definition }> {
    const row = await this.deps.repos.runs.get(id);
    if (!row) throw new AppError('NOT_FOUND', `no run ${id}`);
    return { workflow: row.workflowName, version: row.workflowVersion, definition: await this.pinnedDefinition(row) };
  }

  private async pinnedDefinition(row: RunRow): Promise<Definition> {
    const definition = row.definition ?? (row.workflowVersion === null ? undefined : (await this.deps.repos.workflows.get(row.workflowName, row.workflowVersion))?.definition);
    if (!definition) throw new AppError('NOT_FOUND', `the definition run ${row.id} ran is not stored`);
    return definition;
  }

  /**
   * A running run's state from its workflow, or from its row when the workflow
   * cannot answer; `answered` is false then, unless the row says the run has ended.
   */
  private async live(row: RunRow): Promise<{ snapshot: RunSnapshot; answered: boolean }> {
    try {
      const handle = this.deps.temporal.client.workflow.getHandle(row.id);
      return { snapshot: await this.deps.temporal.client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(runStateQuery)), answered: true };
    } catch (err) {
      // The run may have just ended (its row is written a moment later) or no
      // worker may be up to answer: the stored row is the best answer left.
      const fresh = (await this.deps.repos.runs.get(row.id)) ?? row;
      if (!(err instanceof WorkflowNotFoundError)) this.deps.logger.warn({ runId: row.id, err: (err as Error).message }, 'live run query failed');
      return { snapshot: snapshotFrom(fresh), answered: isTerminalRun(fresh.status) };
    }
  }

  /** The run's node ids in definition order: from its ad-hoc definition, or its stored version (cached). */
  private async nodeOrder(row: RunRow): Promise<string[]> {
    if (row.definition) return row.definition.nodes.map((n) => n.id);
    if (row.workflowVersion === null) return [];
    const key = formatWorkflowRef(row.workflowName, row.workflowVersion);
    let order = this.nodeOrders.get(key);
    if (!order) {
      const stored = await this.deps.repos.workflows.get(row.workflowName, row.workflowVersion);
      order = stored ? stored.definition.nodes.map((n) => n.id) : [];
      if (this.nodeOrders.size >= NODE_ORDER_CACHE) this.nodeOrders.delete(this.nodeOrders.keys().next().value!);
      this.nodeOrders.set(key, order);
    }
    return order;
  }

  async list(query: { workflow?: string | undefined; status?: RunStatus | undefined; limit: number; cursor?: string | undefined }) {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await this.deps.repos.runs.list({ workflow: query.workflow, status: query.status, limit: query.limit + 1, after });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const nextCursor = rows.length > query.limit && last ? encodeCursor(last) : null;
    return { items: page.map(summaryFrom), nextCursor };
  }

  /** One node's record with every attempt (agent attempts carry their conversation; never secrets). */
  async node(id: string, nodeId: string) {
    const { view: run, whole } = await this.read(id);
    const record = run.nodes[nodeId];
    if (!record && !whole) throw new AppError('UNAVAILABLE', `run ${id} is running, its workflow did not answer and its definition is not stored, so whether it has a node ${nodeId} is not known; try again`);
    if (!record) throw new AppError('NOT_FOUND', `run ${id} has no node ${nodeId}`);
    const [attempts, messages] = await Promise.all([this.deps.repos.nodeExecutions.list(id, nodeId), this.deps.repos.conversations.ofNode(id, nodeId)]);
    return {
      ...(messages.length > 0 ? { conversation: conversationView(messages) } : {}),
      id: nodeId,
      runId: id,
      ...record,
      attempts: attempts.map((a) => ({
        attempt: a.attempt,
        status: a.status,
        fallback: a.fallback,
        startedAt: a.startedAt?.toISOString() ?? null,
        endedAt: a.endedAt?.toISOString() ?? null,
        output: a.output ?? null,
        error: a.error ?? null,
        costUsd: a.costUsd,
        detail: a.detail ?? null,
      })),
    };
  }

  /**
   * Decides an approval node. Whether the node is waiting is the workflow's call
   * (its update validator), not guessed here: anything else is 409 NOT_WAITING.
   */
  async approve(id: string, nodeId: string, decision: { approved: boolean; comment?: string | undefined; callId?: string | undefined; args?: unknown }, by: string): Promise<ApprovalOutput> {
    const row = await this.deps.repos.runs.get(id);
    if (!row) throw new AppError('NOT_FOUND', `no run ${id}`);
    // A node of a run that has ended is not waiting either: the same answer, whatever the race.
    if (isTerminalRun(row.status)) throw new AppError('NOT_WAITING', `run ${id} already ended (${row.status}); node ${nodeId} is not waiting`);
    if (decision.callId !== undefined && decision.args !== undefined) await this.checkEditedArgs(id, nodeId, decision.callId, decision.args);
    const { callId, args } = decision;
    try {
      return await this.deps.temporal.client.workflow
        .getHandle(id)
        .executeUpdate(approveUpdate, { args: [{ nodeId, approved: decision.approved, comment: decision.comment, by, ...(callId === undefined ? {} : { callId }), ...(args === undefined ? {} : { args }) }] });
    } catch (err) {
      if (isRefusal(err, FailureType.NotWaiting)) throw new AppError('NOT_WAITING', err.cause.message);
      if (err instanceof WorkflowNotFoundError || isRefusal(err, ACCEPTED_UPDATE_COMPLETED_WORKFLOW)) throw new AppError('NOT_WAITING', `run ${id} is no longer running`);
      throw err;
    }
  }

  /**
   * Edited arguments must pass the tool's parameters as the model was told of
   * them (kept with the conversation): 422 ARGS_INVALID, nothing decided.
   */
  private async checkEditedArgs(id: string, nodeId: string, callId: string, args: unknown): Promise<void> {
    const run = await this.get(id);
    const call = run.nodes[nodeId]?.pendingToolCalls?.find((c) => c.callId === callId);
    if (!call) throw new AppError('NOT_WAITING', `node ${nodeId} has no call ${callId} waiting for a decision`);
    const tools = await this.deps.repos.conversations.tools({ runId: id, nodeId, scope: call.scope ?? '' });
    const tool = tools?.find((t) => t.name === call.tool);
    if (!tool) throw new AppError('NOT_WAITING', `the tools of node ${nodeId} are not stored yet`);
    const violations = schemaViolations(tool.parameters, args);
    if (violations.length > 0) throw new AppError('ARGS_INVALID', `the arguments do not match ${call.tool}'s parameters`, { errors: violations });
  }

  /** Pause (no new nodes start; running ones finish), resume, or raise the budget of a live run. */
  async signal(id: string, what: 'pause' | 'resume' | { budgetUsd: number }): Promise<{ id: string; status: RunStatus }> {
    const row = await this.running(id);
    const handle = this.deps.temporal.client.workflow.getHandle(id);
    try {
      if (what === 'pause') await handle.signal(pauseSignal);
      else if (what === 'resume') await handle.signal(resumeSignal);
      else await handle.signal(budgetSignal, what);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new AppError('CONFLICT', `run ${id} is no longer running`);
      throw err;
    }
    return { id, status: row.status };
  }

  /** The run's row, which must exist and not have ended. */
  private async running(id: string): Promise<RunRow> {
    const row = await this.deps.repos.runs.get(id);
    if (!row) throw new AppError('NOT_FOUND', `no run ${id}`);
    if (isTerminalRun(row.status)) throw new AppError('CONFLICT', `run ${id} already ended (${row.status})`);
    return row;
  }

  /** Asks Temporal to cancel the run; the workflow records the outcome. */
  async cancel(id: string): Promise<{ id: string; status: RunStatus }> {
    const row = await this.deps.repos.runs.get(id);
    if (!row) throw new AppError('NOT_FOUND', `no run ${id}`);
    if (isTerminalRun(row.status)) throw new AppError('CONFLICT', `run ${id} already ended (${row.status})`);
    try {
      await this.deps.temporal.client.workflow.getHandle(id).cancel();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new AppError('CONFLICT', `run ${id} is no longer running`);
      throw err;
    }
    return { id, status: row.status };
  }
}

/**
 * The failure type recent Temporal servers give an update they had
 * accepted when the workflow completed first. An update sent to a workflow that
 * has completed gets gRPC NOT_FOUND instead, which the client throws as
 * WorkflowNotFoundError, as it does for signals and cancels.
 */
const ACCEPTED_UPDATE_COMPLETED_WORKFLOW = 'AcceptedUpdateCompletedWorkflow';

/** An update the workflow (or the server for it) refused with a failure of this type. */
function isRefusal(err: unknown, type: string): err is WorkflowUpdateFailedError & { cause: ApplicationFailure } {
  return err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === type;
}

/** 409 for a run of `workflow` that a spent `block` budget refuses. */
function budgetExceeded({ workflow, period, spentUsd, limitUsd }: BudgetStatus, name: string): AppError {
  return new AppError('BUDGET_EXCEEDED', `the ${period} budget ${workflow} is spent ($${spentUsd} of $${limitUsd}); no new run of ${name} starts until the period ends`, { workflow, period, spentUsd, limitUsd });
}

function startedFrom(row: RunRow): StartedRun {
  return { id: row.id, status: row.status, workflow: row.workflowName, version: row.workflowVersion };
}

function summaryFrom(row: Omit<RunListRow, 'startKey'>): RunSummary {
  return {
    id: row.id,
    workflow: row.workflowName,
    version: row.workflowVersion,
    status: row.status,
    degraded: row.degraded,
    costUsd: row.costUsd,
    priority: row.priority,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    trigger: row.trigger,
  };
}

function snapshotFrom(row: RunRow): RunSnapshot {
  return {
    ...summaryFrom({ ...row, startedAt: row.startedAt.toISOString(), endedAt: row.endedAt?.toISOString() ?? null }),
    input: row.input ?? null,
    output: row.output ?? null,
    error: row.error ?? null,
    nodes: {},
  };
}

function encodeCursor(row: RunListRow): string {
  return Buffer.from(JSON.stringify([row.startKey, row.id])).toString('base64url');
}

/** A run's start to the microsecond as the list writes it (`2026-12-07T03:25:01.123456Z`): what a cursor carries, checked before it reaches a query. */
const START_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Whether a START_KEY names a real time: V8 reads 30 February as 2 March, PostgreSQL refuses it. */
function realTime(startKey: string): boolean {
  const ms = Date.parse(startKey);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === startKey.slice(0, 19);
}

function decodeCursor(cursor: string): { startKey: string; id: string } {
  try {
    const [startKey, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof id !== 'string' || typeof startKey !== 'string' || !START_KEY.test(startKey) || !realTime(startKey)) throw new Error('bad cursor');
    return { startKey, id };
  } catch {
    throw new AppError('BAD_REQUEST', 'cursor is not one this API returned');
  }
}

/** The run's details in Temporal's Web UI (markdown): workflow@version, trigger and input size. */
function runDetails(workflow: string, version: number | null, actor: string | null, input: unknown): string {
  return [`**Workflow** ${formatWorkflowRef(workflow, version)}${version === null ? ' (ad-hoc definition)' : ''}`, `**Trigger** API${actor ? ` (${actor})` : ''}`, `**Input** ${Buffer.byteLength(JSON.stringify(input))} bytes`].join('\n\n');
}
