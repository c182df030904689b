/**
 * `npx tsx scripts/screenshots.ts [--out docs/images] [--chromium /usr/bin/chromium]`:
 * the screenshots in docs/observability.md, taken from a real Weft. Starts
 * `weft dev` (Temporal dev server with its Web UI, worker and API in one
 * process) on free ports with a throwaway data dir, runs the `hello` workflow
 * (two offline agent nodes and a transform) five times, one of them failing,
 * starts Prometheus scraping the API's `/metrics`, and photographs with
 * headless Chromium: the failed run in Temporal's UI, the runs list filtered
 * on Weft's search attributes, and a Prometheus graph of finished runs.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { startPrometheus } from '../test/support/prometheus.js';
import { startDevSession } from '../test/support/dev-session.js';
import { waitFor } from '../test/support/processes.js';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'docs/images' }, chromium: { type: 'string', default: '/usr/bin/chromium' } } });

/** Two agents and a transform; `failTimes` makes the review fail that many times (it has two attempts). */
const HELLO = {
  apiVersion: 'weft/v1',
  name: 'hello',
  nodes: [
    { id: 'draft', type: 'agent', agent: { provider: 'offline', model: 'offline-small', prompt: 'Greet {{ input.name }}', mock: { text: 'Hello, {{ input.name }}!', delay: '300ms' } } },
    {
      id: 'review',
      type: 'agent',
      needs: ['draft'],
      retry: { maxAttempts: 2, initialInterval: '200ms' },
      agent: { provider: 'offline', model: 'offline-small', prompt: 'Review: {{ nodes.draft.output.text }}', mock: { text: 'approved', failTimes: '{{ input.failTimes }}' } },
    },
    { id: 'publish', type: 'transform', needs: ['review'], output: '{{ nodes.draft.output.text }} ({{ nodes.review.output.text }})' },
  ],
};

async function main(): Promise<void> {
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const dev = await startDevSession('weft-screenshots-');
    stops.push(() => dev.stop());
    const { uiUrl, call } = dev;
    await call('POST', '/workflows', HELLO);
    const prometheus = await startPrometheus({ weft: `127.0.0.1:${dev.port}` });
    stops.push(() => prometheus.stop());
    const query = 'sum by (workflow, status) (weft_runs_finished_total)';
    const total = async () => (await prometheus.query(query)).reduce((sum, s) => sum + Number(s.value[1]), 0);
    // Two waves with a scrape between them, so the graph shows the counters step up.
    const ids: string[] = [];
    for (const wave of [[0, 0, 1, 0, 2], [0, 2, 0, 0, 1, 0]]) {
      for (const failTimes of wave) ids.push((await call('POST', '/runs', { workflow: 'hello', input: { name: 'Ada', failTimes } })).id);
      for (const id of ids) await waitFor(async () => ((await call('GET', `/runs/${id}`)).status === 'running' ? undefined : true), `run ${id} to end`);
      await waitFor(async () => ((await total()) === ids.length ? true : undefined), 'Prometheus to have scraped the finished runs');
    }
    const failed = ids[4]!;

    mkdirSync(values.out!, { recursive: true });
    const browser = await chromium.launch({ executablePath: values.chromium!, args: ['--no-sandbox'] });
    stops.push(() => browser.close());
    const page = () => browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await temporalRun(await page(), `${uiUrl}/namespaces/default/workflows/${failed}`, join(values.out!, 'temporal-run.png'));
    await temporalList(await page(), uiUrl, join(values.out!, 'temporal-runs-list.png'));
    await prometheusGraph(await page(), `${prometheus.url}/graph?g0.expr=${encodeURIComponent(query)}&g0.tab=0&g0.range_input=1m`, join(values.out!, 'prometheus-runs-finished.png'));
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  }
}

/** The failed run's page: the event history with each activity's node summary. */
async function temporalRun(page: Page, url: string, file: string): Promise<void> {
  await page.goto(url);
  await page.getByText('draft · agent offline offline-small').first().waitFor();
  await page.screenshot({ path: file });
}

/**
 * The runs list filtered on Weft's search attributes, with both added as
 * columns through the UI's column picker: the picker after adding them, then the list.
 */
async function temporalList(page: Page, uiUrl: string, file: string): Promise<void> {
  const list = `${uiUrl}/namespaces/default/workflows?query=${encodeURIComponent('WeftWorkflow = "hello" AND WeftStatus = "failed"')}`;
  await page.goto(list);
  await page.locator('table tbody tr').first().waitFor();
  await page.getByTestId('workflows-summary-table-configuration-button').click();
  for (const column of ['WeftWorkflow', 'WeftStatus']) {
    await page.getByTestId(`orderable-list-item-${column}`).getByRole('button').click();
    await page.locator('table thead th', { hasText: column }).waitFor();
  }
  // Temporal's run id and type are the same for every Weft run: their room goes to Weft's columns.
  for (const column of ['Run ID', 'Type']) {
    await page.getByTestId(`orderable-list-item-${column}`).getByRole('button').last().click();
    await page.locator('table thead th', { hasText: new RegExp(`^${column}$`) }).waitFor({ state: 'detached' });
  }
  await page.getByText('Configure Workflows Table').scrollIntoViewIfNeeded();
  await page.screenshot({ path: file.replace('.png', '-columns.png') });
  // The browser keeps the columns: the list opened again shows them, without the picker.
  await page.setViewportSize({ width: 1700, height: 500 });
  await page.goto(list);
  await page.locator('table thead th', { hasText: 'WeftStatus' }).waitFor();
  await page.locator('table tbody tr').first().waitFor();
  await page.screenshot({ path: file });
}

/** Prometheus's graph page with the query's lines drawn. */
async function prometheusGraph(page: Page, url: string, file: string): Promise<void> {
  await page.goto(url);
  await page.locator('.rickshaw_graph svg path').first().waitFor();
  await page.screenshot({ path: file });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
