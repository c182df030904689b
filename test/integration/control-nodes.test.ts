import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentNode, createHarness, definition, type Harness } from '../support/harness.js';
import { waitFor } from '../support/processes.js';

/** switch, sleep and approval nodes; pause and resume; budgets; the run timeout. */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const t = (id: string, extra: Record<string, unknown> = {}) => ({ id, type: 'transform', output: id, ...extra });

describe('switch', () => {
  it('takes the matching case, falls back to default, and skips every other branch with reason branch', async () => {
    const sw = (id: string, value: string, withDefault: boolean) => ({ id, type: 'switch', value, cases: { '1': [`${id}_one`], two: [`${id}_two`] }, ...(withDefault ? { default: [`${id}_other`] } : {}) });
    const run = await h.run(
      definition('switches', [
        sw('num', '1', true), t('num_one'), t('num_two'), t('num_other'),
        sw('dflt', "'zzz'", true), t('dflt_one'), t('dflt_two'), t('dflt_other'),
        sw('none', "'zzz'", false), t('none_one'), t('none_two'),
        t('after_branch', { needs: ['num_two'] }),
      ]),
    );
    expect(run.status).toBe('succeeded');
    expect(run.nodes.num).toMatchObject({ output: { selected: '1' } });
    expect(run.nodes.num_one!.status).toBe('succeeded');
    expect(run.nodes.num_two).toMatchObject({ status: 'skipped', skippedReason: 'branch' });
    expect(run.nodes.num_other).toMatchObject({ status: 'skipped', skippedReason: 'branch' });
    expect(run.nodes.dflt).toMatchObject({ output: { selected: 'default' } });
    expect(run.nodes.dflt_other!.status).toBe('succeeded');
    expect(run.nodes.none).toMatchObject({ output: { selected: null } });
    expect(run.nodes.none_one).toMatchObject({ status: 'skipped', skippedReason: 'branch' });
    expect(run.nodes.after_branch).toMatchObject({ status: 'skipped', skippedReason: 'upstream' });
    await h.recordHistory('switch', run.id);
  });
});

describe('sleep', () => {
  it('waits a duration or until a time, durably', async () => {
    const run = await h.run(
      definition('sleeps', [
        { id: 'nap', type: 'sleep', duration: '{{ "300ms" }}' },
        { id: 'until', type: 'sleep', until: '$fromMillis($toMillis(run.startedAt) + 200)' },
        { id: 'past', type: 'sleep', until: "'2000-01-01T00:00:00Z'" },
        { id: 'bad', type: 'sleep', until: "'not a time'", onFailure: 'continue' },
      ]),
    );
    expect(run.nodes.nap).toMatchObject({ status: 'succeeded', output: { sleptMs: 300 } });
    expect((run.nodes.until!.output as { sleptMs: number }).sleptMs).toBeGreaterThan(0);
    expect(run.nodes.past).toMatchObject({ status: 'succeeded', output: { sleptMs: 0 } });
    expect(run.nodes.bad).toMatchObject({ status: 'failed', error: { type: 'EXPRESSION_ERROR' } });
    await h.recordHistory('sleep', run.id);
  });

  it('a template that gives a duration or a time over 100 years away fails the node CONFIG_INVALID, and the run goes on', async () => {
    const run = await h.run(
      definition('sleeps-too-long', [
        { id: 'ages', type: 'sleep', duration: '{{ "99999999999999999d" }}', onFailure: 'continue' },
        { id: 'far', type: 'sleep', until: "'9999-01-01T00:00:00Z'", onFailure: 'continue' },
        { id: 'after', type: 'transform', needs: ['ages', 'far'], trigger: 'all_done', output: 'done' },
      ]),
    );
    expect(run.status).toBe('succeeded');
    expect(run.nodes.ages).toMatchObject({ status: 'failed', error: { type: 'CONFIG_INVALID', message: expect.stringContaining('at most 36500d (100 years)') } });
    expect(run.nodes.far).toMatchObject({ status: 'failed', error: { type: 'CONFIG_INVALID', message: expect.stringContaining('more than 36500d (100 years) away') } });
    expect(run.nodes.after).toMatchObject({ status: 'succeeded', output: 'done' });
  });
});

describe('approval', () => {
  it('waits for a decision through the API; a node not waiting answers 409 NOT_WAITING', async () => {
    const id = await h.startRun(definition('approve-me', [{ id: 'gate', type: 'approval', message: 'ship {{ run.workflow }}?' }, t('ship', { needs: ['gate'] })]));
    await h.nodeReaches(id, 'gate', 'waiting');
    expect((await h.live(id)).nodes.gate!.output).toEqual({ message: 'ship approve-me?' });
    expect((await h.api('POST', `/api/v1/runs/${id}/approvals/ship`, { approved: true })).body.error.code).toBe('NOT_WAITING');
    expect((await h.api('POST', `/api/v1/runs/${id}/approvals/ghost`, { approved: true })).status).toBe(409);
    const decided = await h.api('POST', `/api/v1/runs/${id}/approvals/gate`, { approved: true, comment: 'lgtm' });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ approved: true, by: 'admin', comment: 'lgtm', auto: false });
    const again = await h.api('POST', `/api/v1/runs/${id}/approvals/gate`, { approved: false });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('NOT_WAITING');
    const run = await h.finished(id);
    expect(run.nodes.gate).toMatchObject({ status: 'succeeded', output: { approved: true, by: 'admin', comment: 'lgtm', auto: false } });
    expect(run.nodes.ship!.status).toBe('succeeded');
    expect((await h.api('POST', `/api/v1/runs/${id}/approvals/gate`, { approved: true })).status).toBe(409);
    await h.recordHistory('approval', id);
  });

  it('a rejection fails the node, or continues with approved false under onReject continue', async () => {
    const id = await h.startRun(
      definition('reject-me', [
        { id: 'strict', type: 'approval', onFailure: 'continue' },
        { id: 'lenient', type: 'approval', onReject: 'continue' },
      ]),
    );
    await h.nodeReaches(id, 'strict', 'waiting');
    await h.nodeReaches(id, 'lenient', 'waiting');
    await h.api('POST', `/api/v1/runs/${id}/approvals/strict`, { approved: false, comment: 'not today' });
    await h.api('POST', `/api/v1/runs/${id}/approvals/lenient`, { approved: false });
    const run = await h.finished(id);
    expect(run.nodes.strict).toMatchObject({ status: 'failed', error: { type: 'APPROVAL_REJECTED', message: 'rejected by admin: not today' } });
    expect(run.nodes.lenient).toMatchObject({ status: 'succeeded', output: { approved: false, by: 'admin' } });
  });

  it('autoApprove decides without waiting; onTimeout approves, rejects or fails', async () => {
    const run = await h.run(
      definition('timeouts', [
        { id: 'auto', type: 'approval', autoApprove: 'input.trusted' },
        { id: 'yes', type: 'approval', timeout: '300ms', onTimeout: 'approve' },
        { id: 'no', type: 'approval', timeout: '300ms', onTimeout: 'reject', onReject: 'continue' },
        { id: 'fail', type: 'approval', timeout: '300ms', onFailure: 'continue' },
      ]),
      { trusted: true },
    );
    expect(run.nodes.auto).toMatchObject({ status: 'succeeded', output: { approved: true, auto: true } });
    expect(run.nodes.yes).toMatchObject({ status: 'succeeded', output: { approved: true, auto: true } });
    expect(run.nodes.no).toMatchObject({ status: 'succeeded', output: { approved: false } });
    expect(run.nodes.fail).toMatchObject({ status: 'failed', error: { type: 'APPROVAL_TIMEOUT' } });
  });
});

describe('pause, budget and run timeout', () => {
  it('pause lets running nodes finish but starts no new ones until resume', async () => {
    // The gate holds the run until the test decides, so the pause surely lands while it runs.
    const id = await h.startRun(definition('pausable', [{ id: 'a', type: 'approval' }, t('b', { needs: ['a'] }), t('c', { needs: ['b'] })]));
    await h.nodeReaches(id, 'a', 'waiting');
    expect((await h.api('POST', `/api/v1/runs/${id}/pause`)).status).toBe(202);
    await waitFor(async () => ((await h.live(id)).status === 'paused' ? true : undefined), 'the run to pause');
    expect((await h.api('POST', `/api/v1/runs/${id}/approvals/a`, { approved: true })).status).toBe(200);
    await h.nodeReaches(id, 'a', 'succeeded');
    // The workflow answered after handling a's completion: unpaused, b would be done by now.
    const paused = await h.live(id);
    expect(paused.status).toBe('paused');
    expect(paused.nodes.b!.status).toBe('pending');
    expect((await h.api('POST', `/api/v1/runs/${id}/resume`)).status).toBe(202);
    const run = await h.finished(id);
    expect(run.status).toBe('succeeded');
    expect(run.nodes.c!.status).toBe('succeeded');
    await h.recordHistory('pause-resume', id);
  });

  it('a budget raised through the API before it runs out lets the run finish', async () => {
    const spend = (id: string, extra: Record<string, unknown> = {}) => agentNode(id, { text: id, costUsd: 1.0 }, extra);
    // $2 of $1.50 is spent before the gate; third would be refused without the raise.
    const id = await h.startRun(
      definition('raise-budget', [spend('first'), spend('second', { needs: ['first'] }), { id: 'gate', type: 'approval', needs: ['second'] }, spend('third', { needs: ['gate'] })], {
        limits: { budgetUsd: 1.5 },
      }),
    );
    await h.nodeReaches(id, 'gate', 'waiting');
    const raised = await h.api('POST', `/api/v1/runs/${id}/budget`, { budgetUsd: 5 });
    expect(raised.status).toBe(202);
    await h.api('POST', `/api/v1/runs/${id}/approvals/gate`, { approved: true });
    const run = await h.finished(id);
    expect(run).toMatchObject({ status: 'succeeded', costUsd: 3 });
    expect((await h.api('POST', `/api/v1/runs/${id}/budget`, { budgetUsd: 9 })).status).toBe(409);
    expect((await h.api('POST', `/api/v1/runs/${id}/budget`, { budgetUsd: -1 })).status).toBe(400);
  });

  it('limits.timeout ends the run timed_out with RUN_TIMEOUT, stopping running and waiting nodes', async () => {
    const run = await h.run(definition('slow-run', [agentNode('slow', { text: 'x', delay: '30s' }), { id: 'gate', type: 'approval' }], { limits: { timeout: '1s' } }));
    expect(run).toMatchObject({ status: 'timed_out', error: { code: 'RUN_TIMEOUT' } });
    expect(run.nodes.slow!.status).toBe('cancelled');
    expect(run.nodes.gate!.status).toBe('cancelled');
    await h.recordHistory('run-timeout', run.id);
  });
});
