import { evaluateExpression, resolveTemplates } from '../../dag/expressions.js';
import { FailureType } from '../../dag/failure-types.js';
import { failed, succeeded } from '../../dag/outcome.js';
import type { PlanNodeOf } from '../../dag/plan.js';
import type { InlineNode, NodeSpec } from '../../dag/schema.js';
import { parseWorkflowRef } from '../../dag/workflow-ref.js';
import { errorOf } from '../failures.js';
import type { NodeExecutor, RunContext } from './executor.js';
import { loadWorkflow, partDefinition, runChild } from './child-run.js';

/** Items per child run of a map: keeps each child's history, and the parent's, far below Temporal's limits. */
export const MAP_BATCH_SIZE = 100;

interface ItemOutcome {
  failed: boolean;
  output: unknown;
  message: string;
  costUsd: number;
}

/**
 * `map`: runs its inline node once per item, in child runs of up to
 * MAP_BATCH_SIZE items (each item sees `item` and `index`), or a stored
 * workflow per item. Output is in item order, `null` for tolerated failures.
 */
export const map: NodeExecutor<'map'> = async (node, bindings, run) => {
  const { spec } = node;
  let items: unknown[];
  try {
    const value = evaluateExpression(spec.items, bindings);
    items = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  } catch (err) {
    return failed(errorOf(err));
  }
  const maxParallel = Math.min(spec.maxParallel ?? run.maxParallel, run.maxParallel);
  const outcomes = spec.workflow ? await mapWorkflow(node, spec.workflow, items, bindings, maxParallel, run) : await mapInline(node.id, spec.node!, items, maxParallel, run);
  const failures = outcomes.filter((o) => o.failed);
  const costUsd = outcomes.reduce((sum, o) => sum + o.costUsd, 0);
  if (failures.length > (spec.tolerateFailures ?? 0)) {
    return failed(
      { type: FailureType.MapItemsFailed, message: `${failures.length} of ${items.length} items failed (tolerated: ${spec.tolerateFailures ?? 0}); first: ${failures[0]!.message}` },
      { costUsd },
    );
  }
  return succeeded(
    outcomes.map((o) => (o.failed ? null : o.output)),
    { costUsd },
  );
};

/** Batches run one after another; within a batch, up to maxParallel items at once. */
async function mapInline(mapId: string, inline: InlineNode, items: unknown[], maxParallel: number, run: RunContext): Promise<ItemOutcome[]> {
  const outcomes: ItemOutcome[] = [];
  for (let start = 0, b = 0; start < items.length; start += MAP_BATCH_SIZE, b++) {
    const batch = items.slice(start, start + MAP_BATCH_SIZE).map((_, k) => start + k);
    const nodeVars: Record<string, Record<string, unknown>> = {};
    const nodes = batch.map((index) => {
      const id = `item_${index}`;
      nodeVars[id] = { item: items[index], index };
      return { ...inline, id, onFailure: 'continue' } as NodeSpec;
    });
    const result = await runChild(run, `${mapId}.${b}`, {
      definition: partDefinition(run.definition, nodes, maxParallel, run.remainingBudgetUsd()),
      input: undefined,
      workflow: run.definition.name,
      version: null,
      scope: { outerNodes: run.nodes(), nodeVars },
    });
    for (const index of batch) {
      const record = result.nodes?.[`item_${index}`];
      const ok = record?.status === 'succeeded';
      outcomes.push({ failed: !ok, output: record?.output ?? null, message: record?.error?.message ?? result.error?.message ?? 'not run', costUsd: record?.costUsd ?? 0 });
    }
    run.progress(mapId, outcomes.length, items.length);
  }
  return outcomes;
}

/** A stored workflow's child run per item, up to maxParallel at once. */
async function mapWorkflow(node: PlanNodeOf<'map'>, workflow: string, items: unknown[], bindings: object, maxParallel: number, run: RunContext): Promise<ItemOutcome[]> {
  const ref = parseWorkflowRef(workflow);
  const loaded = await loadWorkflow(ref);
  const outcomes: ItemOutcome[] = new Array(items.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const itemBindings = { ...bindings, item: items[index], index };
      try {
        const input = node.spec.input === undefined ? items[index] : resolveTemplates(node.spec.input, itemBindings);
        const result = await runChild(run, `${node.id}.${index}`, { definition: loaded.definition, input, workflow: ref.name, version: loaded.version });
        outcomes[index] = { failed: result.status !== 'succeeded', output: result.output, message: result.error?.message ?? result.status, costUsd: result.costUsd };
      } catch (err) {
        outcomes[index] = { failed: true, output: null, message: errorOf(err).message, costUsd: 0 };
      }
      run.progress(node.id, ++done, items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(maxParallel, items.length) }, worker));
  return outcomes;
}
