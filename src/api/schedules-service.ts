import { isGrpcServiceError, ScheduleAlreadyRunning, ScheduleNotFoundError, ServiceError, type Client, type ScheduleHandle, type ScheduleDescription, type ScheduleOptionsStartWorkflowAction, type WorkflowStartOptions } from '@temporalio/client';
import { parseDuration } from '../dag/duration.js';
import { RUN_PRIORITY, runPriority, temporalPriority } from '../dag/priority.js';
import type { Repositories } from '../db/repositories.js';
import type { WorkflowVersionRow } from '../db/schema/workflows.js';
import type { PluginRegistry } from '../plugins/registry.js';
import { ENGINE, SCHEDULED_RUN_WORKFLOW_TYPE, type ScheduledRunInput } from '../workflows/messages.js';
import { WEFT_STATUS, WEFT_WORKFLOW } from '../workflows/search-attributes.js';
import { checkRunInput } from './definitions.js';
import { AppError } from './errors.js';
import type { CreateScheduleBody, ScheduleOverlap, UpdateScheduleBody } from './schemas.js';

/** Weft's schedules are the Temporal schedules whose id starts with this, so other schedules in the namespace are left alone. */
const PREFIX = 'weft-';
/** How many upcoming times a schedule shows. */
const NEXT_RUNS = 5;

const OVERLAP = {
  skip: 'SKIP',
  buffer_one: 'BUFFER_ONE',
  buffer_all: 'BUFFER_ALL',
  cancel_other: 'CANCEL_OTHER',
  terminate_other: 'TERMINATE_OTHER',
  allow_all: 'ALLOW_ALL',
} as const satisfies Record<ScheduleOverlap, string>;

/** When a schedule fires, as it was given. */
export interface ScheduleSpecView {
  cron?: string;
  every?: string;
  timezone?: string;
}

/** A schedule as the API shows it (contract weft-ops §5). */
export interface ScheduleView {
  id: string;
  workflow: string;
  version: number | null;
  input: unknown;
  spec: ScheduleSpecView;
  overlap: ScheduleOverlap;
  paused: boolean;
  note: string | null;
  /** Its runs' priority, fixed when the schedule was written (src/dag/priority.ts). */
  priority: number;
  nextRuns: string[];
  recentRuns: { runId: string; scheduledAt: string; status: string }[];
}

export interface SchedulesServiceDeps {
  client: Client;
  taskQueue: string;
  repos: Repositories;
  plugins: PluginRegistry;
  segmentEvents?: number | undefined;
}

/**
 * The action a schedule fires. The SDK (1.24) encodes a start action's
 * `priority` but leaves it out of the option's type.
 */
type ScheduledAction = ScheduleOptionsStartWorkflowAction<(args: ScheduledRunInput) => Promise<unknown>> & Pick<WorkflowStartOptions, 'priority'>;

/**
 * Schedules as Temporal Schedules: each fires a `weftScheduledRun`, which
 * resolves the workflow, checks the input and then is an ordinary run. What
 * the API was given (the spec as written) rides in the action's memo.
 */
export class SchedulesService {
  constructor(private readonly deps: SchedulesServiceDeps) {}

  async create(body: CreateScheduleBody): Promise<ScheduleView> {
    const stored = await this.check(body.workflow, body.version, body.input ?? {});
    const priority = runPriority(body.priority, stored.definition.limits);
    const spec: ScheduleSpecView = { ...(body.cron ? { cron: body.cron } : { every: body.every! }), ...(body.timezone ? { timezone: body.timezone } : {}) };
    try {
      await this.deps.client.schedule.create({
        scheduleId: PREFIX + body.id,
        spec: temporalSpec(spec),
        action: this.action(body.id, body.workflow, body.version, body.input ?? {}, spec, priority),
        policies: { overlap: OVERLAP[body.overlap ?? 'skip'] },
        state: { paused: body.paused ?? false, ...(body.note ? { note: body.note } : {}) },
      });
    } catch (err) {
      if (err instanceof ScheduleAlreadyRunning) throw new AppError('CONFLICT', `schedule ${body.id} exists already`);
      throw invalidSpec(err, body.cron ? '/cron' : '/every');
    }
    return this.get(body.id);
  }

  async get(id: string): Promise<ScheduleView> {
    return this.view(id, await this.describe(id));
  }

  async list(): Promise<{ items: ScheduleView[] }> {
    const items: ScheduleView[] = [];
    for await (const summary of this.deps.client.schedule.list()) {
      if (!summary.scheduleId.startsWith(PREFIX)) continue;
      const id = summary.scheduleId.slice(PREFIX.length);
      try {
        items.push(await this.get(id));
      } catch (err) {
        // Deleted between listing and reading: not listed.
        if (!(err instanceof AppError && err.code === 'NOT_FOUND')) throw err;
      }
    }
    return { items: items.sort((a, b) => a.id.localeCompare(b.id)) };
  }

  /** Changes what is given; the rest stays. */
  async update(id: string, patch: UpdateScheduleBody): Promise<ScheduleView> {
    const current = await this.get(id);
    const workflow = patch.workflow ?? current.workflow;
    const version = patch.version === undefined ? (current.version ?? undefined) : (patch.version ?? undefined);
    const input = patch.input === undefined ? current.input : patch.input;
    const stored = await this.check(workflow, version, input);
    // Kept unless given; null: the definition's again.
    const priority = patch.priority === undefined ? current.priority : runPriority(patch.priority ?? undefined, stored.definition.limits);
    const spec: ScheduleSpecView = patch.cron || patch.every ? { ...(patch.cron ? { cron: patch.cron } : { every: patch.every! }) } : { ...(current.spec.cron ? { cron: current.spec.cron } : { every: current.spec.every! }) };
    const timezone = patch.timezone ?? current.spec.timezone;
    if (timezone) spec.timezone = timezone;
    try {
      await this.deps.client.schedule.getHandle(PREFIX + id).update((schedule) => ({
        ...schedule,
        spec: temporalSpec(spec),
        action: this.action(id, workflow, version, input, spec, priority),
        policies: { ...schedule.policies, overlap: OVERLAP[patch.overlap ?? current.overlap] },
        state: { ...schedule.state, ...(patch.note === undefined ? {} : { note: patch.note }) },
      }));
    } catch (err) {
      throw invalidSpec(notFound(err, id), spec.cron ? '/cron' : '/every');
    }
    return this.get(id);
  }

  async pause(id: string, paused: boolean): Promise<ScheduleView> {
    await this.on(id, (handle) => (paused ? handle.pause() : handle.unpause()));
    return this.get(id);
  }

  /** Fires the schedule now, whatever its spec (its overlap policy still applies). */
  async trigger(id: string): Promise<ScheduleView> {
    await this.on(id, (handle) => handle.trigger());
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    await this.on(id, (handle) => handle.delete());
  }

  /** Acts on one schedule; an unknown one is 404. */
  private async on(id: string, act: (handle: ScheduleHandle) => Promise<void>): Promise<void> {
    try {
      await act(this.deps.client.schedule.getHandle(PREFIX + id));
    } catch (err) {
      throw notFound(err, id);
    }
  }

  /** The workflow must exist (at that version) and the input must match its schema: 422 at the field otherwise. */
  private async check(workflow: string, version: number | undefined, input: unknown): Promise<WorkflowVersionRow> {
    const stored = await this.deps.repos.workflows.get(workflow, version);
    if (!stored) throw new AppError('VALIDATION_FAILED', `no stored workflow ${workflow}${version ? `@${version}` : ''}`, { errors: [{ path: version ? '/version' : '/workflow', message: 'no such stored workflow' }] });
    try {
      checkRunInput(stored.definition, input);
      return stored;
    } catch (err) {
      const errors = ((err as AppError).details as { errors: { path: string; message: string }[] }).errors.map((e) => ({ path: `/input${e.path === '/' ? '' : e.path}`, message: e.message }));
      throw new AppError('VALIDATION_FAILED', (err as AppError).message, { errors });
    }
  }

  private action(id: string, workflow: string, version: number | undefined, input: unknown, spec: ScheduleSpecView, priority: number): ScheduledAction {
    const hooks = this.deps.plugins.hookNames();
    const args: ScheduledRunInput = {
      scheduleId: id,
      workflow,
      input,
      priority,
      ...(version === undefined ? {} : { version }),
      ...(hooks.length > 0 ? { hooks } : {}),
      ...(this.deps.segmentEvents === undefined ? {} : { segmentEvents: this.deps.segmentEvents }),
      engine: ENGINE,
    };
    return {
      type: 'startWorkflow',
      workflowType: SCHEDULED_RUN_WORKFLOW_TYPE,
      // Temporal appends the time it fires: the run id says which schedule made it and when.
      workflowId: `run_sched_${id}`,
      taskQueue: this.deps.taskQueue,
      priority: temporalPriority(priority),
      args: [args],
      // The spec as given (Temporal keeps its own compiled form); the action is what an update replaces.
      memo: { weftSpec: spec },
      typedSearchAttributes: [
        { key: WEFT_WORKFLOW, value: workflow },
        { key: WEFT_STATUS, value: 'running' },
      ],
    };
  }

  private async describe(id: string): Promise<ScheduleDescription> {
    try {
      return await this.deps.client.schedule.getHandle(PREFIX + id).describe();
    } catch (err) {
      throw notFound(err, id);
    }
  }

  private async view(id: string, d: ScheduleDescription): Promise<ScheduleView> {
    const args = (d.action.type === 'startWorkflow' ? d.action.args?.[0] : undefined) as ScheduledRunInput | undefined;
    const recent = d.info.recentActions.slice(-10).reverse();
    const statuses = await Promise.all(recent.map((a) => this.deps.repos.runs.get(a.action.workflow.workflowId)));
    const overlap = (Object.entries(OVERLAP).find(([, v]) => v === d.policies.overlap)?.[0] ?? 'skip') as ScheduleOverlap;
    return {
      id,
      workflow: args?.workflow ?? '',
      version: args?.version ?? null,
      input: args?.input ?? null,
      spec: ((d.action.type === 'startWorkflow' ? d.action.memo?.weftSpec : undefined) as ScheduleSpecView | undefined) ?? {},
      overlap,
      paused: d.state.paused,
      note: d.state.note ?? null,
      priority: args?.priority ?? RUN_PRIORITY.default,
      nextRuns: d.info.nextActionTimes.slice(0, NEXT_RUNS).map((t) => t.toISOString()),
      recentRuns: recent.map((a, i) => ({ runId: a.action.workflow.workflowId, scheduledAt: a.scheduledAt.toISOString(), status: statuses[i]?.status ?? 'running' })),
    };
  }
}

function temporalSpec(spec: ScheduleSpecView) {
  return {
    ...(spec.cron ? { cronExpressions: [spec.cron] } : { intervals: [{ every: parseDuration(spec.every!) }] }),
    ...(spec.timezone ? { timezone: spec.timezone } : {}),
  };
}

function notFound(err: unknown, id: string): unknown {
  return err instanceof ScheduleNotFoundError ? new AppError('NOT_FOUND', `no schedule ${id}`) : err;
}

/** gRPC's INVALID_ARGUMENT: Temporal refused what it was given. */
const INVALID_ARGUMENT = 3;

/**
 * The request schemas check the spec before Temporal sees it; should Temporal
 * still refuse what it is given, that is the user's content too: 422. The
 * schedule client throws a refusal of the spec as a `TypeError` (at the spec's
 * field), any other refusal as a `ServiceError` around gRPC's INVALID_ARGUMENT
 * (at the body: which field Temporal does not say).
 */
function invalidSpec(err: unknown, path: string): unknown {
  if (err instanceof TypeError) return new AppError('VALIDATION_FAILED', `the schedule's spec is not valid: ${err.message}`, { errors: [{ path, message: err.message }] });
  if (err instanceof ServiceError && isGrpcServiceError(err.cause) && err.cause.code === INVALID_ARGUMENT) {
    return new AppError('VALIDATION_FAILED', `Temporal refused the schedule: ${err.cause.details}`, { errors: [{ path: '/', message: err.cause.details }] });
  }
  return err;
}
