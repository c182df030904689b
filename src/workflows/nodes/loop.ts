import { evaluateExpression, isTruthy } from '../../dag/expressions.js';
import { FailureType } from '../../dag/failure-types.js';
import { failed, succeeded } from '../../dag/outcome.js';
import type { NodesView } from '../../dag/bindings.js';
import type { NodeRecord } from '../../dag/run-state.js';
import { errorOf } from '../failures.js';
import type { NodeExecutor } from './executor.js';
import { outputsOf, partDefinition, runChild, viewOf } from './child-run.js';

/**
 * `loop`: runs its body (a DAG of its own ids) as a child run per iteration,
 * seeing the loop's ancestors, `iteration` (1-based) and `previous` (the last
 * iteration's nodes); `until`, evaluated after each iteration, sees the body's
 * nodes of the iteration just finished.
 */
export const loop: NodeExecutor<'loop'> = async (node, bindings, run) => {
  const { spec } = node;
  let costUsd = 0;
  let previous: NodesView | null = null;
  let last: Record<string, NodeRecord> = {};
  for (let iteration = 1; iteration <= spec.maxIterations; iteration++) {
    const result = await runChild(run, `${node.id}.${iteration}`, {
      definition: partDefinition(run.definition, spec.nodes, run.maxParallel, run.remainingBudgetUsd()),
      input: run.input,
      workflow: run.definition.name,
      version: null,
      scope: { outerNodes: run.nodes(), vars: { iteration, previous } },
    });
    costUsd += result.costUsd;
    last = result.nodes ?? {};
    run.progress(node.id, iteration, spec.maxIterations);
    if (result.status !== 'succeeded') return failed({ type: FailureType.LoopIterationFailed, message: `iteration ${iteration}: ${result.error?.message ?? result.status}` }, { costUsd });
    let done: boolean;
    try {
      done = isTruthy(evaluateExpression(spec.until, { ...bindings, nodes: { ...run.nodes(), ...viewOf(last) }, iteration, previous }));
    } catch (err) {
      return failed(errorOf(err));
    }
    if (done) return succeeded({ iterations: iteration, nodes: outputsOf(last) }, { costUsd });
    previous = viewOf(last);
  }
  if (spec.onLimit === 'succeed') return succeeded({ iterations: spec.maxIterations, nodes: outputsOf(last) }, { costUsd });
  return failed({ type: FailureType.LoopLimit, message: `until did not hold within ${spec.maxIterations} iterations` }, { costUsd });
};
