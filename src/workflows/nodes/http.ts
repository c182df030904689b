import { activityNode } from './activity-node.js';
import { cacheOf } from './node-activities.js';

/** `http`: one request, with the node's retry policy. */
export const http = activityNode<'http'>(
  (a, payload) => a.runHttp(payload),
  ({ spec }) => ({ request: spec.request, ...(spec.expectStatus === undefined ? {} : { expectStatus: spec.expectStatus }), ...cacheOf(spec) }),
);
