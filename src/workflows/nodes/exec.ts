import { activityNode } from './activity-node.js';

/** `exec`: one command, argv only, with the node's retry policy. */
export const exec = activityNode<'exec'>(
  (a, payload) => a.runExec(payload),
  ({ spec: { command, cwd, env, stdin, policy } }) => ({ command, cwd, env, stdin, policy }),
);
