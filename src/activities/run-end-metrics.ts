import type { RunSnapshot } from '../dag/run-state.js';
import type { Definition } from '../dag/schema.js';
import type { FinishOutcome, RunsRepo } from '../db/runs-repo.js';
import type { RunNodesRepo } from '../db/run-nodes-repo.js';
import type { WorkflowsRepo } from '../db/workflows-repo.js';
import type { Logger } from '../logger.js';
import { countRunEnd } from '../metrics/run-end.js';

/** Stored versions whose node types are kept (versions never change). */
const TYPE_CACHE = 256;

interface RunEndMetricsDeps {
  runs: Pick<RunsRepo, 'get'>;
  runNodes: Pick<RunNodesRepo, 'listWithoutOutputs'>;
  workflows: Pick<WorkflowsRepo, 'get'>;
  logger: Logger;
}

/**
 * What `finishRun` calls once a run's final state is stored: counts the run and
 * its nodes, only when that write ended the run (a retried finishRun finds it
 * ended and counts nothing). Nodes are read back from `run_nodes`, which by then
 * holds every record, those a large or continued-as-new run stored in chunks
 * included. Counting never fails the run's end: an error is logged.
 */
export function runEndMetrics(deps: RunEndMetricsDeps): (run: Omit<RunSnapshot, 'nodes'>, outcome: FinishOutcome) => Promise<void> {
  const typesByVersion = new Map<string, Map<string, string>>();

  async function nodeTypes(runId: string): Promise<Map<string, string>> {
    const row = await deps.runs.get(runId);
    if (!row) return new Map();
    if (row.definition) return typesOf(row.definition);
    if (row.workflowVersion === null) return new Map();
    const key = `${row.workflowName}@${row.workflowVersion}`;
    let types = typesByVersion.get(key);
    if (!types) {
      const stored = await deps.workflows.get(row.workflowName, row.workflowVersion);
      types = stored ? typesOf(stored.definition) : new Map<string, string>();
      if (typesByVersion.size >= TYPE_CACHE) typesByVersion.delete(typesByVersion.keys().next().value!);
      typesByVersion.set(key, types);
    }
    return types;
  }

  return async (run, outcome) => {
    if (outcome === 'rewritten') return;
    try {
      const [types, nodes] = await Promise.all([nodeTypes(run.id), deps.runNodes.listWithoutOutputs(run.id)]);
      countRunEnd(run, nodes, (id) => types.get(id) ?? 'unknown', outcome === 'ended');
    } catch (err) {
      deps.logger.warn({ runId: run.id, err: (err as Error).message }, 'could not count the ended run in the metrics');
    }
  };
}

function typesOf(definition: Definition): Map<string, string> {
  return new Map(definition.nodes.map((n) => [n.id, n.type]));
}
