/**
 * `npx tsx scripts/dashboard-screenshots.ts [--out docs/images/dashboard] [--chromium /usr/bin/chromium]`:
 * the screenshots in docs/dashboard.md, taken from a real Weft. Starts
 * `weft dev` (which builds the dashboard if needed) on free ports with a
 * throwaway data dir, defines two workflows, runs them (one run failing, one
 * waiting for an approval), and photographs each page in headless Chromium,
 * signed in with the admin key through the sign-in form.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../test/support/chromium.js';
import { startDevSession } from '../test/support/dev-session.js';
import { waitFor } from '../test/support/processes.js';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'docs/images/dashboard' }, chromium: { type: 'string', default: '/usr/bin/chromium' } } });

const agent = (id: string, text: string, extra: Record<string, unknown> = {}, mock: Record<string, unknown> = {}) => ({
  id,
  type: 'agent',
  agent: { provider: 'offline', model: 'offline-small', prompt: `${id}: {{ input.topic }}`, mock: { text, delay: '200ms', ...mock } },
  ...extra,
});

/** A research pipeline: a fan-out of two agents, a join, an approval and a publish step; `flaky` fails when the input says so. */
const PIPELINE = {
  apiVersion: 'weft/v1',
  name: 'research',
  description: 'Research a topic, review, approve and publish',
  input: { type: 'object', required: ['topic'], properties: { topic: { type: 'string', minLength: 3, description: 'What to research' }, depth: { type: 'integer', minimum: 1, maximum: 3 }, fail: { type: 'boolean' } } },
  nodes: [
    agent('plan', 'outline of {{ input.topic }}'),
    agent('search', 'sources', { needs: ['plan'] }),
    agent('flaky', 'facts', { needs: ['plan'], retry: { maxAttempts: 2, initialInterval: '100ms' } }, { failAlways: '{{ input.fail = true }}' }),
    agent('draft', 'draft about {{ input.topic }}', { needs: ['search', 'flaky'] }),
    { id: 'review', type: 'approval', needs: ['draft'], autoApprove: 'input.depth = 1' },
    { id: 'publish', type: 'transform', needs: ['review'], output: '{{ nodes.draft.output.text }}' },
  ],
};

async function main(): Promise<void> {
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const dev = await startDevSession('weft-dashboard-shots-');
    stops.push(() => dev.stop());
    const { url, key, call } = dev;
    await call('POST', '/workflows', PIPELINE);
    await call('POST', '/workflows', { ...PIPELINE, nodes: PIPELINE.nodes.map((n) => (n.id === 'publish' ? { ...n, output: '{{ $uppercase(nodes.draft.output.text) }}' } : n)) });
    const ended = async (id: string) => waitFor(async () => ((await call('GET', `/runs/${id}`)).status === 'running' ? undefined : true), `run ${id} to end`);
    const ok = await call('POST', '/runs', { workflow: 'research', input: { topic: 'durable agents', depth: 1 } });
    await ended(ok.id);
    const failed = await call('POST', '/runs', { workflow: 'research', input: { topic: 'flaky sources', depth: 1, fail: true } });
    await ended(failed.id);
    await ended((await call('POST', '/runs', { workflow: 'research', input: { topic: 'weft', depth: 1 } })).id);
    const waiting = await call('POST', '/runs', { workflow: 'research', input: { topic: 'approvals', depth: 2 } });
    await waitFor(async () => ((await call('GET', `/runs/${waiting.id}`)) as unknown as { nodes: Record<string, { status: string }> }).nodes.review?.status === 'waiting' || undefined, 'the approval to wait');
    await call('POST', '/schedules', { id: 'nightly-research', workflow: 'research', input: { topic: 'nightly', depth: 1 }, cron: '0 3 * * *', note: 'every night at 03:00' });

    mkdirSync(values.out!, { recursive: true });
    const profile = mkdtempSync(join(tmpdir(), 'weft-chromium-'));
    const browser = await chromium.launchPersistentContext(profile, { executablePath: values.chromium!, args: CHROMIUM_ARGS, headless: true, viewport: { width: 1440, height: 960 }, colorScheme: 'dark' });
    stops.push(async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    });
    const page = await browser.newPage();
    await page.goto(`${url}/runs`);
    await shot(page, 'sign-in');
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator(`tr[data-run-id="${ok.id}"]`).waitFor();
    await shot(page, 'runs');
    await open(page, `${url}/runs/${waiting.id}`, '[data-node-id="review"][data-status="waiting"]');
    await shot(page, 'run-waiting-approval');
    await open(page, `${url}/runs/${failed.id}`, '[data-run-status="failed"]');
    await page.locator('[data-node-id="flaky"] button').click();
    await page.getByRole('complementary', { name: 'Node flaky' }).getByText('#2').waitFor();
    await shot(page, 'run-failed-node-panel');
    await open(page, `${url}/runs/${ok.id}`, '[data-run-status="succeeded"]');
    await page.locator('[data-node-id="draft"] button').click();
    await page.getByRole('complementary', { name: 'Node draft' }).getByText('assistant').waitFor();
    await shot(page, 'run-succeeded-critical-path');
    await open(page, `${url}/workflows/research`, 'form[aria-label="Start run"]');
    await page.getByLabel('Compare with').selectOption('1');
    await page.getByLabel('Diff between versions').waitFor();
    await shot(page, 'workflow-diff-and-start-form');
    // The studio: a node added from the palette and connected in its panel (both edits of the YAML beside the graph).
    await open(page, `${url}/workflows/research/edit`, '[data-validation="valid"]');
    await page.getByRole('button', { name: 'Add transform' }).click();
    await page.getByLabel('Connect from').selectOption('publish');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('button', { name: 'Remove edge publish → transform_1' }).waitFor();
    await page.locator('[data-validation="valid"]').waitFor();
    await shot(page, 'studio');
    await open(page, `${url}/compare?a=${ok.id}&b=${failed.id}`, 'table[aria-label="Comparison"]');
    await shot(page, 'compare');
    await open(page, `${url}/analytics`, '.recharts-surface');
    await shot(page, 'analytics');
    await open(page, `${url}/schedules`, 'table[aria-label="Schedules"] tbody tr');
    await shot(page, 'schedules');
    await open(page, `${url}/admin/keys`, 'table[aria-label="API keys"] tbody tr');
    await shot(page, 'admin-keys');
    await open(page, `${url}/admin/audit`, 'table[aria-label="Audit log"] tbody tr');
    await shot(page, 'admin-audit');
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    await open(page, `${url}/runs/${ok.id}`, '[data-run-status="succeeded"]');
    await shot(page, 'run-light-theme');
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  }
}

/** Opens a deep link in the same tab (its sessionStorage keeps the sign-in) and waits for what shows the page loaded. */
async function open(page: Page, to: string, ready: string): Promise<void> {
  await page.goto(to);
  await page.locator(ready).first().waitFor();
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(values.out!, `${name}.png`) });
  console.log(`${name}.png`);
}

await main();
