import { resolveTemplatesDeferringSecrets } from '../../dag/expressions.js';
import type { NodeKind, PlanNodeOf } from '../../dag/plan.js';
import { failed, succeeded } from '../../dag/outcome.js';
import type { PluginStamp } from '../../dag/run-state.js';
import type { WeftActivities } from '../../activities/contract.js';
import { describeFailure, errorOf } from '../failures.js';
import type { NodeExecutor } from './executor.js';
import { activitiesFor } from './node-activities.js';

/** What a node activity returns. */
interface ActivityResult {
  output: unknown;
  attempt: number;
  plugin?: PluginStamp;
}

/**
 * A node run by one activity (http, exec, plugin nodes): its fields resolved
 * here, except templates that read secrets, which the activity resolves (the
 * workflow never sees a secret's value).
 */
export function activityNode<K extends NodeKind>(
  call: (activities: WeftActivities, payload: never) => Promise<ActivityResult>,
  fields: (node: PlanNodeOf<K>) => object,
): NodeExecutor<K> {
  // No `async`: the activity's promise and one `then` (the SDK captures a stack trace per promise).
  return (node, bindings, run) => {
    let payload: object;
    try {
      const resolved = resolveTemplatesDeferringSecrets(fields(node), bindings);
      payload = { ...(resolved.value as object), nodeId: node.id, workflow: run.definition.name, deferred: resolved.deferred };
    } catch (err) {
      return failed(errorOf(err));
    }
    return call(activitiesFor(node), payload as never).then(
      (result) => succeeded(result.output, { attempts: result.attempt, ...(result.plugin ? { plugin: result.plugin } : {}) }),
      (err: unknown) => {
        const failure = describeFailure(err, node.retry.maxAttempts);
        if (failure.cancelled) throw err;
        return failed(failure.error, { attempts: failure.attempts });
      },
    );
  };
}
