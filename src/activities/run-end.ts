import type { RunSnapshot } from '../dag/run-state.js';
import type { Definition } from '../dag/schema.js';
import type { RunNodesRepo } from '../db/run-nodes-repo.js';
import type { FinishedRun, FinishOutcome } from '../db/runs-repo.js';
import type { WorkflowsRepo } from '../db/workflows-repo.js';
import type { EndedNode } from '../metrics/run-end.js';

/** Stored versions kept in memory (versions never change). */
const VERSION_CACHE = 256;

/**
 * What a stored run's end tells those who count and analyse it (the metrics,
 * the critical path), read once for all of them.
 */
export interface RunEnd {
  run: Omit<RunSnapshot, 'nodes'>;
  /** What `finishRun`'s write did: a retried one finds the run `rewritten`. */
  outcome: FinishOutcome;
  /** The definition the run ran; undefined when it is no longer stored. */
  definition: Definition | undefined;
  /** When the run's row says it started. */
  startedAt: string;
  /** Every node's final record, by id. */
  nodes: ReadonlyMap<string, EndedNode>;
}

/**
 * Gathers a run's end from what `finishRun` holds: the definition from the
 * run's row (ad-hoc) or the stored version (cached), and the node records from
 * the final snapshot when it has every node of the definition. A run that
 * stored records earlier (continued as new, or too large for one write) or
 * left nodes pending has its records read back from `run_nodes`, which by then
 * holds them all.
 */
export function runEndReader(deps: { runNodes: Pick<RunNodesRepo, 'listWithoutOutputs'>; workflows: Pick<WorkflowsRepo, 'get'> }): (snapshot: RunSnapshot, finished: FinishedRun) => Promise<RunEnd> {
  const versions = new Map<string, Definition | undefined>();

  async function storedVersion(workflow: string, version: number): Promise<Definition | undefined> {
    const key = `${workflow}@${version}`;
    if (versions.has(key)) return versions.get(key);
    const definition = (await deps.workflows.get(workflow, version))?.definition;
    if (versions.size >= VERSION_CACHE) versions.delete(versions.keys().next().value!);
    versions.set(key, definition);
    return definition;
  }

  return async (snapshot, finished) => {
    const { nodes: last, ...run } = snapshot;
    const definition = finished.definition ?? (run.version === null ? undefined : await storedVersion(run.workflow, run.version));
    const complete = definition !== undefined && definition.nodes.every((n) => n.id in last);
    const nodes = complete ? new Map(Object.entries(last)) : await deps.runNodes.listWithoutOutputs(run.id);
    return { run, outcome: finished.outcome, definition, startedAt: finished.startedAt.toISOString(), nodes };
  };
}
