import { parseDuration } from '../../dag/duration.js';
import { evaluateExpression, isTruthy, resolveTemplates } from '../../dag/expressions.js';
import { FailureType } from '../../dag/failure-types.js';
import { failed, succeeded, type NodeOutcome } from '../../dag/outcome.js';
import { errorOf } from '../failures.js';
import type { ApprovalOutput } from '../messages.js';
import type { NodeExecutor } from './executor.js';

function decided(approved: boolean, by: string | null, comment: string | null, auto: boolean): ApprovalOutput {
  return { approved, by, comment, decidedAt: new Date().toISOString(), auto };
}

/**
 * `approval`: auto-approved when `autoApprove` holds; otherwise waits for a
 * decision through the API, up to `timeout` (then `onTimeout`). A rejection
 * fails the node unless `onReject: continue`.
 */
export const approval: NodeExecutor<'approval'> = async (node, bindings, run) => {
  const { spec } = node;
  let message: unknown = null;
  try {
    if (spec.autoApprove !== undefined && isTruthy(evaluateExpression(spec.autoApprove, bindings))) return succeeded(decided(true, null, null, true));
    if (spec.message !== undefined) message = resolveTemplates(spec.message, bindings);
  } catch (err) {
    return failed(errorOf(err));
  }
  run.wait(node.id, { message });
  const decision = await run.awaitDecision(node.id, spec.timeout ? parseDuration(spec.timeout) : undefined);
  const reject = (by: string | null, comment: string | null): NodeOutcome =>
    spec.onReject === 'continue'
      ? succeeded(decided(false, by, comment, by === null))
      : failed({ type: FailureType.ApprovalRejected, message: `rejected${by ? ` by ${by}` : ' on timeout'}${comment ? `: ${comment}` : ''}` });
  if (!decision) {
    const onTimeout = spec.onTimeout ?? 'fail';
    if (onTimeout === 'approve') return succeeded(decided(true, null, null, true));
    if (onTimeout === 'reject') return reject(null, null);
    return failed({ type: FailureType.ApprovalTimeout, message: `no decision within ${spec.timeout}` });
  }
  return decision.approved ? succeeded(decided(true, decision.by, decision.comment ?? null, false)) : reject(decision.by, decision.comment ?? null);
};
