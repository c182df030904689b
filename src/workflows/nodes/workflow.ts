import { resolveTemplates } from '../../dag/expressions.js';
import { FailureType } from '../../dag/failure-types.js';
import { failed, succeeded } from '../../dag/outcome.js';
import { parseWorkflowRef } from '../../dag/workflow-ref.js';
import { errorOf } from '../failures.js';
import type { NodeExecutor } from './executor.js';
import { loadWorkflow, runChild } from './child-run.js';

/** `workflow`: a child run of a stored definition (`name` or `name@version`); its output is the node's. */
export const workflowNode: NodeExecutor<'workflow'> = async (node, bindings, run) => {
  const { spec } = node;
  const ref = parseWorkflowRef(spec.workflow);
  let input: unknown;
  try {
    input = spec.input === undefined ? {} : resolveTemplates(spec.input, bindings);
  } catch (err) {
    return failed(errorOf(err));
  }
  const loaded = await loadWorkflow(ref);
  const result = await runChild(run, node.id, { definition: loaded.definition, input, workflow: ref.name, version: loaded.version });
  if (result.status !== 'succeeded') return failed({ type: FailureType.ChildRunFailed, message: `${ref.name}: ${result.error?.message ?? result.status}` }, { costUsd: result.costUsd });
  return succeeded(result.output, { costUsd: result.costUsd });
};
