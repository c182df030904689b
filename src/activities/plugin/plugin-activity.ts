import type { Logger } from '../../logger.js';
import type { PluginActivityInput, PluginActivityResult } from '../../plugins/contract.js';
import type { PluginRegistry } from '../../plugins/registry.js';
import { findNodeType, runPluginNode } from './run-plugin-node.js';
import { runAttempt, type AttemptDeps } from '../attempt.js';

export interface PluginActivityDeps {
  registry: PluginRegistry;
  logger: Logger;
  envelope: AttemptDeps;
}

/**
 * Builds `runPlugin`: one attempt of a plugin node (`<plugin>.<type>`), its
 * `run(ctx, config)` inside the same envelope as every built-in activity node
 * (secrets revealed and scrubbed, attempt record, cache, heartbeat, cancel).
 * The result names the plugin and version that ran, for the node record.
 */
export function createPluginActivity(deps: PluginActivityDeps) {
  return async function runPlugin(input: PluginActivityInput): Promise<PluginActivityResult> {
    let plugin: PluginActivityResult['plugin'] | undefined;
    const result = await runAttempt(deps.envelope, {
      nodeType: input.type,
      input,
      // Deferred paths are relative to the payload the workflow resolved, `{type, config}`.
      value: { config: input.config },
      prepare: (ctx) => {
        const nodeType = findNodeType(deps.registry, input.type);
        plugin = nodeType.plugin;
        return {
          detail: { type: input.type, plugin },
          // A new plugin version may answer differently: its results are cached apart.
          cacheKey: { type: input.type, version: plugin.version, config: input.config },
          run: async () => {
            const ran = await runPluginNode(nodeType, { ...input, config: ctx.value.config }, {
              runId: ctx.runId,
              workflow: input.workflow ?? null,
              attempt: ctx.attempt,
              signal: ctx.signal,
              idempotencyKey: input.idempotencyKey ?? `${ctx.runId}/${input.nodeId}`,
              heartbeat: (details) => ctx.heartbeat(details),
              logger: deps.logger,
              secret: (name) => ctx.secret(name),
            });
            return { output: ran.output };
          },
        };
      },
    });
    // `prepare` ran (or the attempt failed before this line), so the plugin is known.
    return { output: result.output, plugin: plugin!, attempt: result.attempt };
  };
}
