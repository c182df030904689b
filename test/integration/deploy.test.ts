import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERPRETER_V2 } from '../fixtures/deploy/interpreter-v2.js';
import { agentNode, createHarness, definition, type Harness } from '../support/harness.js';

/**
 * Deploying a worker with a changed interpreter while runs are live (issue 12's
 * last fault): the change is behind `patched()`, as every change of command
 * order must be. Runs begun by the old build finish on the old path on the new
 * worker (replaying their history without the marker); runs begun after the
 * deploy take the new path. Neither kind fails on non-determinism.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const waiting = (id: string) => h.nodeReaches(id, 'gate', 'waiting');

/**
 * A run that stops at an approval, so it is live across the deploy, then computes
 * from its input. Its first node is an activity: a run whose history holds no
 * command yet is replayed to the patch point with nothing to contradict it, and
 * Temporal lets `patched()` take the new path there; one with commands keeps the old.
 */
const gated = definition('deploy-gated', [
  agentNode('before', { text: '{{ input.n * 2 }}' }),
  { id: 'gate', type: 'approval', needs: ['before'] },
  { id: 'after', type: 'transform', needs: ['gate'], output: '{{ $number(nodes.before.output.text) + 1 }}' },
]);

/** Whether a run's history carries the new interpreter's patch marker, and what its memo says. */
async function pathOf(id: string): Promise<{ marker: boolean; memo: unknown }> {
  const handle = h.handle(id);
  const history = await handle.fetchHistory();
  // Patch markers carry their id in the `patch_data` payload (the interpreter's own patches have markers too).
  const patches = (history.events ?? [])
    .map((event) => event.markerRecordedEventAttributes)
    .filter((marker) => marker?.markerName === 'core_patch')
    .map((marker) => Buffer.from(marker?.details?.['patch-data']?.payloads?.[0]?.data ?? []).toString());
  const marker = patches.some((data) => data.includes(INTERPRETER_V2));
  const memo = (await handle.describe()).memo?.interpreter;
  return { marker, memo };
}

describe('deploying a changed interpreter while runs are live', () => {
  it('old runs finish on the old path, new runs take the new one, all with the same results', { timeout: 180_000 }, async () => {
    const old = await Promise.all([1, 2, 3].map((n) => h.startRun(gated, { n })));
    await Promise.all(old.map(waiting));

    await h.replaceWorker({ workflowInterceptorModules: [join(import.meta.dirname, '..', 'fixtures', 'deploy', 'interpreter-v2.ts')] });
    const fresh = await Promise.all([4, 5].map((n) => h.startRun(gated, { n })));
    await Promise.all(fresh.map(waiting));

    for (const id of [...old, ...fresh]) {
      const decided = await h.api('POST', `/api/v1/runs/${id}/approvals/gate`, { approved: true });
      expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    }
    const runs = await Promise.all([...old, ...fresh].map((id) => h.finished(id)));
    expect(runs.map((run) => [run.status, run.nodes.after?.output])).toEqual([1, 2, 3, 4, 5].map((n) => ['succeeded', n * 2 + 1]));

    for (const id of old) expect(await pathOf(id)).toEqual({ marker: false, memo: undefined });
    for (const id of fresh) expect(await pathOf(id)).toEqual({ marker: true, memo: 'v2' });
  });
});
