import { sleep } from '@temporalio/workflow';
import { MAX_DURATION_MS, MAX_DURATION_TEXT, parseDuration } from '../../dag/duration.js';
import { ExpressionError, evaluateExpression, resolveTemplates } from '../../dag/expressions.js';
import { failed, succeeded } from '../../dag/outcome.js';
import { errorOf } from '../failures.js';
import type { NodeExecutor } from './executor.js';

/** `sleep`: a durable timer for `duration`, or until the time `until` gives. */
export const sleepNode: NodeExecutor<'sleep'> = async (node, bindings, run) => {
  const { spec } = node;
  let ms: number;
  try {
    if (spec.duration !== undefined) {
      ms = parseDuration(String(resolveTemplates(spec.duration, bindings)));
    } else {
      const until = evaluateExpression(spec.until!, bindings);
      const at = typeof until === 'string' || typeof until === 'number' ? new Date(until).getTime() : Number.NaN;
      if (Number.isNaN(at)) throw new ExpressionError(`until gave ${JSON.stringify(until)}, not an ISO time`, spec.until!);
      ms = Math.max(0, at - Date.now());
      if (ms > MAX_DURATION_MS) throw new RangeError(`until gave ${JSON.stringify(until)}, more than ${MAX_DURATION_TEXT} (100 years) away`);
    }
  } catch (err) {
    return failed(errorOf(err));
  }
  run.wait(node.id);
  if (ms > 0) await sleep(ms);
  return succeeded({ sleptMs: ms });
};
