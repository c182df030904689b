import { activityNode } from './activity-node.js';
import { cacheOf } from './node-activities.js';

/** A plugin node (`<plugin>.<type>`): the plugin's `run(ctx, config)` in one activity, with the node's retry policy. */
export const plugin = activityNode<'plugin'>(
  (a, payload) => a.runPlugin(payload),
  ({ spec }) => ({ type: spec.type, config: spec.config ?? {}, ...cacheOf(spec) }),
);
