import { randomUUID } from 'node:crypto';
import { definitionHash } from '../../src/api/definitions.js';
import type { NodeRecord, NodeStatus, RunStatus } from '../../src/dag/run-state.js';
import type { Definition } from '../../src/dag/schema.js';
import type { Repositories } from '../../src/db/repositories.js';
import type { NewNodeExecution } from '../../src/db/schema/node-executions.js';

/** One node of a seeded run: times are ms after the run's start. */
export interface SeedNode {
  status?: NodeStatus;
  attempts?: number;
  start: number;
  end: number;
  costUsd?: number;
  fallback?: number;
  output?: unknown;
  /** Attempt rows to write besides the record (agent detail: model, prompt, usage). */
  executions?: Omit<NewNodeExecution, 'runId' | 'nodeId'>[];
}

/**
 * Writes a finished run straight through the repositories, as the worker
 * would have: its row, its node records and its attempts. For analytics
 * workloads that would take long to run for real.
 */
export async function seedRun(repos: Repositories, definition: Record<string, unknown>, nodes: Record<string, SeedNode>, options: { status?: RunStatus; startedAt?: Date } = {}): Promise<string> {
  const id = `run_seed_${randomUUID()}`;
  const startedAt = options.startedAt ?? new Date(Date.now() - 3_600_000);
  const at = (ms: number) => new Date(startedAt.getTime() + ms).toISOString();
  const records: Record<string, NodeRecord> = {};
  for (const [nodeId, n] of Object.entries(nodes)) {
    records[nodeId] = { status: n.status ?? 'succeeded', attempts: n.attempts ?? 1, startedAt: at(n.start), endedAt: at(n.end), output: n.output ?? null, error: null, costUsd: n.costUsd ?? null, degraded: n.fallback !== undefined, fallback: n.fallback ?? null, skippedReason: null };
  }
  const name = definition.name as string;
  // Stored as a version (the same content is the same version), since a finished row is pinned to one.
  const { version } = await repos.workflows.save({ definition: definition as unknown as Definition, hash: definitionHash(definition), source: null, actor: null });
  const costUsd = Object.values(nodes).reduce((sum, n) => sum + (n.costUsd ?? 0), 0);
  const endedAt = at(Math.max(...Object.values(nodes).map((n) => n.end)));
  await repos.runs.finish({ id, workflow: name, version: version.version, status: options.status ?? 'succeeded', degraded: false, input: {}, output: null, error: null, costUsd, startedAt: startedAt.toISOString(), endedAt });
  await repos.runNodes.save(id, records);
  for (const [nodeId, n] of Object.entries(nodes)) {
    for (const execution of n.executions ?? []) await repos.nodeExecutions.recordAttempt({ runId: id, nodeId, ...execution });
  }
  return id;
}
