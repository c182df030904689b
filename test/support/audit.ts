import { vi } from 'vitest';
import type { Harness } from './harness.js';

/** Audit records are written once the response is sent: waits for the one a request left. */
export function auditOf(h: Harness, requestId: string) {
  return vi.waitFor(async () => {
    const found = (await h.api('GET', '/api/v1/audit?limit=200')).body.items.find((r: { requestId: string }) => r.requestId === requestId);
    if (!found) throw new Error(`no audit record for ${requestId} yet`);
    return found;
  });
}

/** Waits until `query`'s audit records number at least `count` (they are written once each response is sent). */
export function auditRecords(h: Harness, query: string, count: number) {
  return vi.waitFor(async () => {
    const res = await h.api('GET', `/api/v1/audit?${query}`);
    if (res.body.items.length < count) throw new Error(`${res.body.items.length} of ${count} audit records for ${query} so far`);
    return res;
  });
}
