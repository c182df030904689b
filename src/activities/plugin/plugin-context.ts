import { activityFailure } from '../failures.js';
import { FailureType } from '../../dag/failure-types.js';
import type { Logger } from '../../logger.js';
import type { PluginContext } from '../../plugins/types.js';

/** What the activity envelope knows about the attempt a plugin node runs in. */
export interface PluginAttemptTools {
  runId: string;
  workflow: string | null;
  /** The activity attempt (1-based). */
  attempt: number;
  /** Aborted on cancel. */
  signal: AbortSignal;
  /** The attempt's idempotency key (`PluginContext.idempotencyKey`). */
  idempotencyKey: string;
  heartbeat(details?: unknown): void;
  logger: Logger;
  /**
   * A worker secret by name, which the envelope then scrubs from everything the attempt records or throws.
   * @throws ApplicationFailure SECRET_MISSING (non-retryable) naming the variable to set.
   */
  secret(name: string): string;
}

/** Builds the `ctx` a node type's `run` gets for one attempt. */
export function createPluginContext(input: { plugin: string; type: string; nodeId: string; declaredSecrets: readonly string[]; tools: PluginAttemptTools }): PluginContext {
  const { tools, nodeId } = input;
  const fail = (type: string, message: string, options: { nonRetryable?: boolean; retryAfterMs?: number } = {}): never => {
    throw activityFailure({ type, message, nonRetryable: options.nonRetryable ?? false, nextRetryDelayMs: options.retryAfterMs });
  };
  return {
    runId: tools.runId,
    workflow: tools.workflow,
    nodeId,
    attempt: tools.attempt,
    signal: tools.signal,
    idempotencyKey: tools.idempotencyKey,
    heartbeat: (details) => tools.heartbeat(details),
    log: tools.logger.child({ plugin: input.plugin, nodeType: input.type, nodeId, runId: tools.runId, attempt: tools.attempt }),
    secret(name) {
      // Only declared names: a definition's author can see which secrets a node type may read.
      if (!input.declaredSecrets.includes(name)) {
        return fail(FailureType.ConfigInvalid, `node type ${input.type} does not declare secret ${name} (declared: ${input.declaredSecrets.join(', ') || 'none'})`, { nonRetryable: true });
      }
      return tools.secret(name);
    },
    fetch: (resource, init) => fetch(resource, { ...init, signal: init?.signal ? AbortSignal.any([tools.signal, init.signal]) : tools.signal }),
    fail,
  };
}
