import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboardRig, type DashboardRig } from '../support/browser.js';
import { parseCsvObjects } from '../support/csv-parse.js';
import { ADMIN_KEY, agentNode, definition, VIEWER_KEY } from '../support/harness.js';
import { waitFor } from '../support/processes.js';

/** The dashboard's alerts page, navigation count and "Export CSV" buttons (weft-ops §13, §14) in headless Chromium. */
let rig: DashboardRig;
let failedRun: string;

beforeAll(async () => {
  rig = await startDashboardRig({ alertsIntervalMs: 1_000 });
  expect((await rig.h.api('POST', '/api/v1/alerts/rules', { name: 'broken-fails', kind: 'run_failed', workflow: 'broken', severity: 'critical' })).status).toBe(201);
  failedRun = (await rig.h.run(definition('broken', [agentNode('boom', { failAlways: true, error: { nonRetryable: true } }, { retry: { maxAttempts: 1 } })]))).id;
  await waitFor(async () => ((await rig.h.api('GET', '/api/v1/alerts?state=firing')).body.items.length === 1 ? true : undefined), 'the alert to fire');
}, 180_000);

afterAll(async () => {
  await rig?.close();
});

describe('alerts page', () => {
  it('shows the firing count in the navigation and the alert, rule and summary on /alerts', async () => {
    const page = await rig.signedIn(VIEWER_KEY, '/runs');
    await expect.poll(() => page.locator('[data-firing-count]').getAttribute('data-firing-count')).toBe('1');
    await page.getByRole('link', { name: /Alerts/ }).click();
    const row = page.locator('[data-alert-state="firing"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('broken-fails');
    expect(await row.textContent()).toContain(failedRun);
    expect(await page.getByRole('table', { name: 'Alert rules' }).textContent()).toContain('run_failed');
    expect(rig.problems).toEqual([]);
  });
});

describe('Export CSV', () => {
  it('downloads the runs list as CSV with the page filters, and the audit log for an admin', async () => {
    const page = await rig.signedIn(VIEWER_KEY, '/runs?workflow=broken');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^weft-runs-.*\.csv$/);
    const rows = parseCsvObjects(readFileSync((await download.path())!, 'utf8'));
    expect(rows.map((r) => r.id)).toEqual([failedRun]);
    const admin = await rig.signedIn(ADMIN_KEY, '/admin/audit');
    const [audit] = await Promise.all([admin.waitForEvent('download'), admin.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(parseCsvObjects(readFileSync((await audit.path())!, 'utf8')).some((r) => r.action === 'alert.rule.create')).toBe(true);
  });
});
