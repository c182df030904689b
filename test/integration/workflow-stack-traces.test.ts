import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, definition, type Harness } from '../support/harness.js';

// Temporal's stack-trace queries need the SDK's per-promise stack collection,
// which Weft's worker leaves off unless WEFT_WORKFLOW_STACK_TRACES=on
// (patches/@temporalio+worker+1.24.0.patch). Each case starts its own worker:
// the setting reaches the workflow threads when they start.
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function waitingRun(harness: Harness): Promise<string> {
  const id = await harness.startRun(definition('stack-traces', [{ id: 'gate', type: 'approval' }]));
  await harness.nodeReaches(id, 'gate', 'waiting');
  return id;
}

describe('workflow stack traces', () => {
  it('are off by default: the stack-trace query says so, and the run still answers for its state', async () => {
    h = await createHarness();
    const id = await waitingRun(h);
    await expect(h.handle(id).query('__stack_trace')).rejects.toThrow(/stack traces are not enabled/i);
    expect((await h.live(id)).nodes.gate!.status).toBe('waiting');
    expect((await h.api('POST', `/api/v1/runs/${id}/approvals/gate`, { approved: true })).status).toBe(200);
    expect((await h.finished(id)).status).toBe('succeeded');
  });

  it('with WEFT_WORKFLOW_STACK_TRACES=on, the query shows where the interpreter waits', async () => {
    h = await createHarness({ workerEnv: { WEFT_WORKFLOW_STACK_TRACES: 'on' } });
    const id = await waitingRun(h);
    const stack = await h.handle(id).query<string>('__stack_trace');
    expect(stack).toContain('run-workflow.ts');
    expect((await h.api('POST', `/api/v1/runs/${id}/approvals/gate`, { approved: true })).status).toBe(200);
    expect((await h.finished(id)).status).toBe('succeeded');
  });
});
