import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetAlerts } from '../../src/db/schema/budgets.js';
import type { HookEvent } from '../../src/plugins/contract.js';
import { PluginRegistry } from '../../src/plugins/registry.js';
import { agentNode, createHarness, definition, OPERATOR_KEY, VIEWER_KEY, type Harness } from '../support/harness.js';
import { expectResponsesMatchDocument } from '../support/openapi-conformance.js';
import { auditOf } from '../support/audit.js';

/** Period budgets (weft-ops §7): spend and projection, refusal of new runs, and `onBudget` once per threshold and period. */
let h: Harness;
const budgetEvents: HookEvent[] = [];

beforeAll(async () => {
  const plugins = PluginRegistry.from([{ source: 'test', plugin: { name: 'budget-watch', version: '1.0.0', hooks: { onBudget: (event) => void budgetEvents.push(event) } } }]);
  h = await createHarness({ plugins });
  // Each run costs $0.30 (the offline mock's stated cost), after `delay`.
  for (const name of ['spendy', 'thrifty']) {
    expect((await h.api('POST', '/api/v1/workflows', definition(name, [agentNode('spend', { text: 'x', costUsd: 0.3, delay: '{{ input.delay }}' })], { input: { type: 'object', properties: { delay: { type: 'string' } } } }))).status).toBe(201);
  }
});

afterAll(async () => {
  await h?.close();
});

const start = (workflow: string, delay = '0s') => h.api('POST', '/api/v1/runs', { workflow, input: { delay } });
const thresholdsFired = (workflow: string) => budgetEvents.filter((e) => (e.budget as { workflow: string }).workflow === workflow).map((e) => (e.budget as { threshold: number }).threshold);

describe('period budgets', () => {
  it('refuses bad budgets with a coded 4xx and stores nothing; only an admin sets them', async () => {
    for (const body of [{ period: 'year', limitUsd: 1 }, { period: 'day', limitUsd: -1 }, { period: 'day', limitUsd: 1, onExceed: 'panic' }, { period: 'day', limitUsd: 1, alertAt: [0] }, { period: 'day', limitUsd: 1, extra: true }]) {
      const res = await h.api('PUT', '/api/v1/budgets/spendy', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
    }
    expect((await h.api('PUT', '/api/v1/budgets/Not%20A%20Name', { period: 'day', limitUsd: 1 })).body.error.code).toBe('BAD_REQUEST');
    expect((await h.api('PUT', '/api/v1/budgets/spendy', { period: 'day', limitUsd: 1 }, { key: OPERATOR_KEY })).status).toBe(403);
    expect((await h.api('DELETE', '/api/v1/budgets/spendy')).body.error.code).toBe('NOT_FOUND');
    expect((await h.api('GET', '/api/v1/budgets', undefined, { key: VIEWER_KEY })).body).toEqual({ items: [] });
  });

  it('shows spend this period and its projection, fires each threshold once, and refuses new runs once a block budget is spent while running ones go on', async () => {
    const put = await h.api('PUT', '/api/v1/budgets/spendy', { period: 'day', limitUsd: 0.5, onExceed: 'block', alertAt: [1, 0.5] });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ workflow: 'spendy', period: 'day', limitUsd: 0.5, onExceed: 'block', alertAt: [0.5, 1], spentUsd: 0, projectedUsd: 0 });
    expect(Date.parse(put.body.periodEnd) - Date.parse(put.body.periodStart)).toBe(86_400_000);

    await h.finished((await start('spendy')).body.id);
    expect(thresholdsFired('spendy')).toEqual([0.5]);
    const [afterOne] = (await h.api('GET', '/api/v1/budgets')).body.items;
    expect(afterOne.spentUsd).toBeCloseTo(0.3);
    expect(afterOne.projectedUsd).toBeGreaterThanOrEqual(afterOne.spentUsd);

    // Two more at once: the quick one crosses the limit; the slow one is already running and goes on.
    const [quick, slow] = await Promise.all([start('spendy'), start('spendy', '3s')]);
    expect(slow.status).toBe(202);
    await h.finished(quick.body.id);
    const refused = await start('spendy');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'BUDGET_EXCEEDED', details: { workflow: 'spendy', limitUsd: 0.5 } });
    expect((await h.api('POST', `/api/v1/runs/${quick.body.id}/rerun`, { from: 'spend' })).body.error.code).toBe('BUDGET_EXCEEDED');
    expect((await h.finished(slow.body.id)).status).toBe('succeeded');
    expect((await start('thrifty')).status).toBe(202);

    // Three runs ended past the thresholds, each fired once, and the crossings are on record.
    expect(thresholdsFired('spendy').sort()).toEqual([0.5, 1]);
    const crossings = await h.database.db.select().from(budgetAlerts).where(eq(budgetAlerts.workflow, 'spendy')).orderBy(budgetAlerts.threshold);
    expect(crossings.map((c) => c.threshold)).toEqual([0.5, 1]);
    const [status] = (await h.api('GET', '/api/v1/budgets')).body.items;
    expect(status.spentUsd).toBeCloseTo(0.9);

    expect((await h.api('DELETE', '/api/v1/budgets/spendy')).status).toBe(204);
    expect((await start('spendy')).status).toBe(202);
  });

  it('`*` budgets all workflows together', async () => {
    expect((await h.api('PUT', '/api/v1/budgets/*', { period: 'month', limitUsd: 0.1, onExceed: 'block' })).status).toBe(200);
    const refused = await start('thrifty');
    expect(refused.body.error).toMatchObject({ code: 'BUDGET_EXCEEDED', details: { workflow: '*', period: 'month' } });
    const alertOnly = await h.api('PUT', '/api/v1/budgets/*', { period: 'week', limitUsd: 0.1, onExceed: 'alert' });
    expect(alertOnly.body).toMatchObject({ workflow: '*', period: 'week', onExceed: 'alert' });
    expect((await start('thrifty')).status).toBe(202);
    expect((await h.api('DELETE', '/api/v1/budgets/*')).status).toBe(204);
  });

  it('counts the attempts of a run\'s parts (map batches run as child runs) towards its workflow', async () => {
    const mapped = definition('mapped', [{ id: 'each', type: 'map', items: '[1, 2, 3]', node: { type: 'agent', agent: { provider: 'offline', prompt: 'item {{ item }}', mock: { text: 'x', costUsd: 0.1 } } } }]);
    expect((await h.api('POST', '/api/v1/workflows', mapped)).status).toBe(201);
    const run = await h.finished((await start('mapped')).body.id);
    expect(run.costUsd).toBeCloseTo(0.3);
    const put = await h.api('PUT', '/api/v1/budgets/mapped', { period: 'week', limitUsd: 10 });
    expect(put.body.spentUsd).toBeCloseTo(run.costUsd);
    // The map node's record sums its batches' attempts; each attempt counts once, and the items' tokens are there too.
    const costs = (await h.api('GET', '/api/v1/analytics/costs?groupBy=node')).body.items;
    expect(costs.find((i: { key: string }) => i.key === 'mapped/each')?.costUsd ?? 0).toBe(0);
    const summary = (await h.api('GET', '/api/v1/analytics/summary?workflow=mapped')).body;
    expect(summary.costUsd).toBeCloseTo(0.3);
    expect(summary.tokens.input).toBeGreaterThan(0);
  });
});

describe('audit', () => {

  it('records setting and removing a budget, and an operator refused, under budget.set and budget.delete', async () => {
    await h.api('PUT', '/api/v1/budgets/audited', { period: 'week', limitUsd: 2 }, { headers: { 'x-request-id': 'budget-set' } });
    await h.api('PUT', '/api/v1/budgets/audited', { period: 'week', limitUsd: 3 }, { key: OPERATOR_KEY, headers: { 'x-request-id': 'budget-denied' } });
    await h.api('DELETE', '/api/v1/budgets/audited', undefined, { headers: { 'x-request-id': 'budget-delete' } });
    expect(await auditOf(h, 'budget-set')).toMatchObject({ action: 'budget.set', target: 'audited', outcome: 'ok', status: 200, details: { period: 'week', limitUsd: 2 } });
    expect(await auditOf(h, 'budget-denied')).toMatchObject({ action: 'budget.set', target: 'audited', outcome: 'denied', status: 403 });
    expect(await auditOf(h, 'budget-delete')).toMatchObject({ action: 'budget.delete', target: 'audited', outcome: 'ok', status: 204 });
  });
});

describe('OpenAPI document', () => {
  it('describes every response this file received: status, media type and body', async () => {
    expect(await expectResponsesMatchDocument(h)).toBeGreaterThan(10);
  });
});
