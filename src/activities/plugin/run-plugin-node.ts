import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { activityFailure } from '../failures.js';
import { FailureType } from '../../dag/failure-types.js';
import type { PluginActivityInput } from '../../plugins/contract.js';
import { createPluginContext, type PluginAttemptTools } from './plugin-context.js';
import type { PluginNodeType, PluginRegistry } from '../../plugins/registry.js';

/** A plugin node attempt's result, before the envelope adds the attempt number. */
export interface PluginNodeOutcome {
  output: unknown;
  plugin: { name: string; version: string };
}

/**
 * The loaded node type a plugin node names.
 * @throws ApplicationFailure `UNKNOWN_NODE_TYPE` (non-retryable) naming the loaded plugins.
 */
export function findNodeType(registry: PluginRegistry, type: string): PluginNodeType {
  const nodeType = registry.nodeType(type);
  if (nodeType) return nodeType;
  throw activityFailure({ type: FailureType.UnknownNodeType, message: `node type ${type} is not loaded on this worker (loaded plugins: ${registry.names().join(', ') || 'none'})`, nonRetryable: true });
}

/**
 * Runs one attempt of a plugin node of a loaded type: checks the resolved
 * config (secrets already revealed), and calls the type's `run`.
 * @throws ApplicationFailure `CONFIG_INVALID` (non-retryable) when the resolved config breaks the type's schema;
 *   whatever `ctx.fail` raised; `PLUGIN_FAILED` (retryable) for anything else `run` threw.
 */
export async function runPluginNode(nodeType: PluginNodeType, input: PluginActivityInput, tools: PluginAttemptTools): Promise<PluginNodeOutcome> {
  const config = nodeType.config.check(input.config ?? {});
  if (!config.ok) {
    const problems = config.issues.map((i) => `${i.path || '/'} ${i.message}`).join('; ');
    throw activityFailure({ type: FailureType.ConfigInvalid, message: `config of ${input.type} does not match its schema: ${problems}`, nonRetryable: true });
  }
  const ctx = createPluginContext({ plugin: nodeType.plugin.name, type: nodeType.type, nodeId: input.nodeId, declaredSecrets: nodeType.secrets, tools });
  try {
    const output = await nodeType.run(ctx, config.value);
    return { output: output ?? null, plugin: nodeType.plugin };
  } catch (err) {
    if (err instanceof ApplicationFailure || err instanceof CancelledFailure) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw activityFailure({ type: FailureType.PluginFailed, message: `${input.type}: ${message}`, ...(err instanceof Error ? { cause: err } : {}) });
  }
}
