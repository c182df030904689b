import { resolveTemplates } from '../../dag/expressions.js';
import { failed, succeeded } from '../../dag/outcome.js';
import { errorOf } from '../failures.js';
import type { NodeExecutor } from './executor.js';

/** `transform`: the node's `output`, templates resolved, in the workflow. */
export const transform: NodeExecutor<'transform'> = async (node, bindings) => {
  try {
    return succeeded(resolveTemplates(node.spec.output, bindings));
  } catch (err) {
    return failed(errorOf(err));
  }
};
