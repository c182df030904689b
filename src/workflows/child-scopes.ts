import { executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { evaluateExpression, isTruthy, resolveTemplates } from '../dag/expressions.js';
import type { NodeRecord } from '../dag/run-state.js';
import type { Definition, InlineNode, LoopNode, MapNode, NodeSpec, WorkflowNode } from '../dag/schema.js';
import type { WeftActivities } from '../activities/contract.js';
import { errorOf } from './failures.js';
import { RUN_WORKFLOW_TYPE, type ChildScope, type RunWorkflowInput, type RunWorkflowResult } from './messages.js';
import type { NodeExecutor, NodeOutcome } from './node-executors.js';
import { WEFT_STATUS, WEFT_WORKFLOW } from './search-attributes.js';

/** Items per child run of a map: keeps each child's history, and the parent's, far below Temporal's limits. */
export const MAP_BATCH_SIZE = 100;

const { loadWorkflow } = proxyActivities<WeftActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5, initialInterval: '1 second' },
});

const failed = (type: string, message: string, costUsd: number | null = null): NodeOutcome => ({
  kind: 'failed',
  failure: { error: { type, message }, attempts: 1, cancelled: false },
  ...(costUsd === null ? {} : { costUsd }),
});

/** Runs a definition as a child of this run: a scope of this run, or a stored workflow's run of its own. */
function runChild(id: string, input: RunWorkflowInput): Promise<RunWorkflowResult> {
  return executeChild(RUN_WORKFLOW_TYPE, {
    workflowId: id,
    args: [input],
    typedSearchAttributes: [
      { key: WEFT_WORKFLOW, value: input.workflow },
      { key: WEFT_STATUS, value: 'running' },
    ],
  });
}

/** A scope's own definition: the parent's settings around other nodes. */
function scopeDefinition(parent: Definition, nodes: NodeSpec[], maxParallel: number, budgetUsd: number | undefined): Definition {
  const { outputs: _outputs, input: _input, ...rest } = parent;
  return { ...rest, nodes, limits: { maxParallel, ...(budgetUsd === undefined ? {} : { budgetUsd }) } };
}

const outputsOf = (nodes: Record<string, NodeRecord>) => Object.fromEntries(Object.entries(nodes).map(([id, r]) => [id, r.output]));
const viewOf = (nodes: Record<string, NodeRecord>) => Object.fromEntries(Object.entries(nodes).map(([id, r]) => [id, { output: r.output, status: r.status }]));

/**
 * `loop`: runs its body (a DAG of its own ids) as a child scope per iteration,
 * seeing the loop's ancestors, `iteration` (1-based) and `previous` (the last
 * iteration's nodes); `until`, evaluated after each iteration, sees the body's
 * nodes of the iteration just finished.
 */
export const loop: NodeExecutor = async (node, scope, run) => {
  const spec = node.spec as LoopNode;
  let costUsd = 0;
  let previous: Record<string, { output: unknown; status: string }> | null = null;
  let last: Record<string, NodeRecord> = {};
  for (let iteration = 1; iteration <= spec.maxIterations; iteration++) {
    const child: ChildScope = { outerNodes: run.nodesView(), vars: { iteration, previous } };
    const result = await runChild(`${workflowInfo().workflowId}.${node.id}.${iteration}`, {
      definition: scopeDefinition(run.definition, spec.nodes, run.maxParallel, run.remainingBudgetUsd()),
      input: (scope as { input: unknown }).input,
      workflow: run.definition.name,
      version: null,
      scope: child,
    });
    costUsd += result.costUsd;
    last = result.nodes ?? {};
    if (result.status !== 'succeeded') return failed('LOOP_ITERATION_FAILED', `iteration ${iteration}: ${result.error?.message ?? result.status}`, costUsd);
    let done: boolean;
    try {
      done = isTruthy(evaluateExpression(spec.until, { ...scope, nodes: { ...run.nodesView(), ...viewOf(last) }, iteration, previous }));
    } catch (err) {
      return { kind: 'failed', failure: { error: errorOf(err), attempts: 1, cancelled: false } };
    }
    if (done) return { kind: 'succeeded', output: { iterations: iteration, nodes: outputsOf(last) }, attempts: 1, costUsd, fallback: null };
    previous = viewOf(last);
  }
  if (spec.onLimit === 'succeed') return { kind: 'succeeded', output: { iterations: spec.maxIterations, nodes: outputsOf(last) }, attempts: 1, costUsd, fallback: null };
  return failed('LOOP_LIMIT', `until did not hold within ${spec.maxIterations} iterations`, costUsd);
};

/**
 * `map`: runs its inline node once per item, in child scopes of up to
 * MAP_BATCH_SIZE items (each item sees `item` and `index`), or a stored
 * workflow per item. Output is in item order, `null` for tolerated failures.
 */
export const map: NodeExecutor = async (node, scope, run) => {
  const spec = node.spec as MapNode;
  let items: unknown[];
  try {
    const value = evaluateExpression(spec.items, scope);
    items = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  } catch (err) {
    return { kind: 'failed', failure: { error: errorOf(err), attempts: 1, cancelled: false } };
  }
  const maxParallel = Math.min(spec.maxParallel ?? run.maxParallel, run.maxParallel);
  const outcomes = spec.workflow ? await mapWorkflow(node.id, spec, items, scope, maxParallel) : await mapInline(node.id, spec.node!, items, maxParallel, run);
  const failures = outcomes.filter((o) => o.failed);
  const costUsd = outcomes.reduce((sum, o) => sum + o.costUsd, 0);
  if (failures.length > (spec.tolerateFailures ?? 0)) {
    return failed('MAP_ITEMS_FAILED', `${failures.length} of ${items.length} items failed (tolerated: ${spec.tolerateFailures ?? 0}); first: ${failures[0]!.message}`, costUsd);
  }
  return { kind: 'succeeded', output: outcomes.map((o) => (o.failed ? null : o.output)), attempts: 1, costUsd, fallback: null };
};

interface ItemOutcome {
  failed: boolean;
  output: unknown;
  message: string;
  costUsd: number;
}

async function mapInline(mapId: string, inline: InlineNode, items: unknown[], maxParallel: number, run: Parameters<NodeExecutor>[2]): Promise<ItemOutcome[]> {
  const batches: number[][] = [];
  for (let start = 0; start < items.length; start += MAP_BATCH_SIZE) batches.push(items.slice(start, start + MAP_BATCH_SIZE).map((_, k) => start + k));
  const outcomes: ItemOutcome[] = [];
  // Batches run one after another; within a batch, up to maxParallel items at once.
  for (const [b, batch] of batches.entries()) {
    const nodeVars: Record<string, Record<string, unknown>> = {};
    const nodes = batch.map((index) => {
      const id = `item_${index}`;
      nodeVars[id] = { item: items[index], index };
      return { ...inline, id, onFailure: 'continue' } as NodeSpec;
    });
    const result = await runChild(`${workflowInfo().workflowId}.${mapId}.${b}`, {
      definition: scopeDefinition(run.definition, nodes, maxParallel, run.remainingBudgetUsd()),
      input: undefined,
      workflow: run.definition.name,
      version: null,
      scope: { outerNodes: run.nodesView(), nodeVars },
    });
    for (const index of batch) {
      const record = result.nodes?.[`item_${index}`];
      const ok = record?.status === 'succeeded';
      outcomes.push({ failed: !ok, output: record?.output ?? null, message: record?.error?.message ?? result.error?.message ?? 'not run', costUsd: record?.costUsd ?? 0 });
    }
  }
  return outcomes;
}

async function mapWorkflow(mapId: string, spec: MapNode, items: unknown[], scope: object, maxParallel: number): Promise<ItemOutcome[]> {
  const [name = '', version] = spec.workflow!.split('@');
  const loaded = await loadWorkflow({ name, ...(version ? { version: Number(version) } : {}) });
  const outcomes: ItemOutcome[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const itemScope = { ...scope, item: items[index], index };
      try {
        const input = spec.input === undefined ? items[index] : resolveTemplates(spec.input, itemScope);
        const result = await runChild(`${workflowInfo().workflowId}.${mapId}.${index}`, { definition: loaded.definition, input, workflow: name, version: loaded.version });
        outcomes[index] = { failed: result.status !== 'succeeded', output: result.output, message: result.error?.message ?? result.status, costUsd: result.costUsd };
      } catch (err) {
        outcomes[index] = { failed: true, output: null, message: errorOf(err).message, costUsd: 0 };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(maxParallel, items.length) }, worker));
  return outcomes;
}

/** `workflow`: a child run of a stored definition (`name` or `name@version`); its output is the node's. */
export const workflowNode: NodeExecutor = async (node, scope) => {
  const spec = node.spec as WorkflowNode;
  const [name = '', version] = spec.workflow.split('@');
  let input: unknown;
  try {
    input = spec.input === undefined ? {} : resolveTemplates(spec.input, scope);
  } catch (err) {
    return { kind: 'failed', failure: { error: errorOf(err), attempts: 1, cancelled: false } };
  }
  const loaded = await loadWorkflow({ name, ...(version ? { version: Number(version) } : {}) });
  const result = await runChild(`${workflowInfo().workflowId}.${node.id}`, { definition: loaded.definition, input, workflow: name, version: loaded.version });
  if (result.status !== 'succeeded') return failed('CHILD_RUN_FAILED', `${name}: ${result.error?.message ?? result.status}`, result.costUsd);
  return { kind: 'succeeded', output: result.output, attempts: 1, costUsd: result.costUsd, fallback: null };
};
