import type { Plan } from '../dag/plan.js';
import type { NodeRecord, RunReuse } from '../dag/run-state.js';

/** Where a re-run starts again: `failed` (every node that did not succeed) or one node id. */
export type RerunFrom = 'failed' | (string & {});

/**
 * What a re-run keeps of `sourceRunId` (contract weft-ops §6): the nodes to run
 * again are the starting nodes (with `failed`, every node whose stored record
 * is not `succeeded`; else the node named) and all their descendants; every
 * other node that succeeded keeps its stored output.
 */
export function rerunReuse(plan: Plan, records: ReadonlyMap<string, NodeRecord>, from: RerunFrom, sourceRunId: string): RunReuse {
  const starts = from === 'failed' ? plan.nodes.filter((n) => records.get(n.id)?.status !== 'succeeded').map((n) => n.id) : [from];
  const again = new Set<string>();
  const stack = [...starts];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (again.has(id)) continue;
    again.add(id);
    stack.push(...(plan.byId.get(id)?.dependents ?? []));
  }
  const outputs: Record<string, unknown> = {};
  for (const node of plan.nodes) {
    const record = records.get(node.id);
    if (!again.has(node.id) && record?.status === 'succeeded') outputs[node.id] = record.output;
  }
  return { from: sourceRunId, outputs };
}
