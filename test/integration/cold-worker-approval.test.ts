import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, definition, type Harness } from '../support/harness.js';

/**
 * A decision sent to a run that waits at an approval, answered by a worker that
 * has not seen the run (a deploy, a crash). When the run's history holds no
 * command yet, Temporal gives that worker the run's start and the decision in
 * one activation; the decision must be checked against where the interpreter
 * gets to, not against a run that has not started a node (run-workflow.ts,
 * invariant 6).
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const waiting = (id: string) => h.nodeReaches(id, 'gate', 'waiting');

/** Both command-less until decided: the approval first, or after a transform (which runs in the workflow). */
const gateFirst = definition('cold-gate-first', [
  { id: 'gate', type: 'approval' },
  { id: 'after', type: 'transform', needs: ['gate'], output: '{{ input.n + 1 }}' },
]);
const gateAfterTransform = definition('cold-gate-second', [
  { id: 'double', type: 'transform', output: '{{ input.n * 2 }}' },
  { id: 'gate', type: 'approval', needs: ['double'] },
  { id: 'after', type: 'transform', needs: ['gate'], output: '{{ nodes.double.output + 1 }}' },
]);

describe('an approval answered by a worker that has not seen the run', () => {
  it('is taken when the node waits, and refused when it does not, as on a warm worker', { timeout: 120_000 }, async () => {
    const first = await h.startRun(gateFirst, { n: 1 });
    const second = await h.startRun(gateAfterTransform, { n: 10 });
    await Promise.all([first, second].map(waiting));

    await h.replaceWorker({ workflowInterceptorModules: [] });
    // Not an approval of this run: refused on the cold worker as on a warm one.
    const wrong = await h.api('POST', `/api/v1/runs/${second}/approvals/double`, { approved: true });
    expect(wrong.status).toBe(409);
    expect(wrong.body).toMatchObject({ error: { code: 'NOT_WAITING' } });

    await h.replaceWorker({ workflowInterceptorModules: [] });
    for (const id of [first, second]) {
      const decided = await h.api('POST', `/api/v1/runs/${id}/approvals/gate`, { approved: true, comment: 'after a deploy' });
      expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    }
    const [a, b] = await Promise.all([first, second].map((id) => h.finished(id)));
    expect([a!.status, a!.nodes.after?.output, a!.nodes.gate?.output]).toEqual(['succeeded', 2, expect.objectContaining({ approved: true, comment: 'after a deploy', auto: false })]);
    expect([b!.status, b!.nodes.after?.output]).toEqual(['succeeded', 21]);
    await h.recordHistory('approval-cold-worker', first);
  });
});
