/**
 * `npm run bench:dashboard -- [--repeats 3] [--runs 200]`: the dashboard's
 * budgets (weft-ops §11, issue 11), against a real `weft dev` with its built
 * dashboard, in headless Chromium with a fresh profile each repeat:
 * - shipped JavaScript: every script in `web/dist/assets`, gzipped (level 9),
 *   and the part the first load of `/runs` fetches;
 * - first load of `/runs` with `--runs` runs stored: from navigation (signed
 *   in, cold cache) to the table showing them;
 * - a live update: from the API's answer to a cancel to the runs page showing
 *   the run cancelled (the event's whole way: workflow, database, stream,
 *   render), so an upper bound of the render's own share.
 * Writes its section of docs/benchmarks.md.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { ensureDashboardBuilt } from '../src/dashboard/ensure-built.js';
import { WEB_DIST_DIR } from '../src/dashboard/paths.js';
import { CHROMIUM_ARGS } from '../test/support/chromium.js';
import { freePort } from '../test/support/ports.js';
import { spawnWeft, stopProcess, waitFor } from '../test/support/processes.js';
import { writeSection } from './report.js';

const { values } = parseArgs({ options: { repeats: { type: 'string', default: '3' }, runs: { type: 'string', default: '200' }, chromium: { type: 'string', default: '/usr/bin/chromium' } } });
const REPEATS = Number(values.repeats);
const RUNS = Number(values.runs);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function gzipped(file: string): number {
  return gzipSync(readFileSync(file), { level: 9 }).length;
}

/** The median and range of measurements, as the other benchmarks report them. */
function summary(xs: number[], unit = 'ms'): string {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[Math.floor(s.length / 2)]!.toFixed(0)} (${s[0]!.toFixed(0)}–${s[s.length - 1]!.toFixed(0)}) ${unit}`;
}

async function main(): Promise<void> {
  await ensureDashboardBuilt((m) => console.log(m));
  const assets = join(WEB_DIST_DIR, 'assets');
  const scripts = readdirSync(assets).filter((f) => f.endsWith('.js'));
  const totalJs = scripts.reduce((sum, f) => sum + gzipped(join(assets, f)), 0);

  const dataDir = mkdtempSync(join(tmpdir(), 'weft-bench-dashboard-'));
  const [api, temporal, ui] = [await freePort(), await freePort(), await freePort()];
  const { DATABASE_URL: _db, WEFT_BOOTSTRAP_ADMIN_KEY: _key, ...rest } = process.env;
  const url = `http://127.0.0.1:${api}`;
  const dev: ChildProcess = await spawnWeft('dev', { ...rest, WEFT_DATA_DIR: dataDir, WEFT_PORT: String(api), WEFT_TEMPORAL_PORT: String(temporal), WEFT_TEMPORAL_UI_PORT: String(ui), WEFT_LOG_LEVEL: 'warn' }, 'Ctrl-C stops everything');
  const firstLoads: number[] = [];
  const live: number[] = [];
  let firstLoadJs = 0;
  try {
    const key = readFileSync(join(dataDir, 'admin-key'), 'utf8').trim();
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? null : JSON.stringify(body) });
      return (await res.json()) as { id: string; status: string };
    };
    const quick = { apiVersion: 'weft/v1', name: 'quick', nodes: [{ id: 'one', type: 'transform', output: '{{ 1 }}' }] };
    const slow = { apiVersion: 'weft/v1', name: 'slow', nodes: [{ id: 'wait', type: 'agent', agent: { provider: 'offline', prompt: 'x', mock: { text: 'x', delay: '10m' } } }] };
    await call('POST', '/workflows', quick);
    await call('POST', '/workflows', slow);
    for (let i = 0; i < RUNS; i++) await call('POST', '/runs', { workflow: 'quick' });

    for (let r = 0; r < REPEATS; r++) {
      const profile = mkdtempSync(join(tmpdir(), 'weft-chromium-'));
      const browser = await chromium.launchPersistentContext(profile, { executablePath: values.chromium!, args: CHROMIUM_ARGS, headless: true, viewport: { width: 1400, height: 950 } });
      try {
        const page = await browser.newPage();
        // Signed in once (the key goes to sessionStorage), then /runs loaded cold: the cache is cleared through the DevTools protocol.
        await page.goto(`${url}/runs`);
        await page.getByLabel('API key').fill(key);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.locator('tr[data-run-id]').first().waitFor();
        const cdp = await browser.newCDPSession(page);
        await cdp.send('Network.clearBrowserCache');
        const js = new Map<string, number>();
        page.on('response', (res) => {
          if (res.url().endsWith('.js')) js.set(res.url(), gzipped(join(assets, res.url().split('/').pop()!)));
        });
        const started = Date.now();
        await page.goto(`${url}/runs`);
        await page.locator('tr[data-run-id]').nth(Math.min(RUNS, 100) - 1).waitFor();
        firstLoads.push(Date.now() - started);
        firstLoadJs = [...js.values()].reduce((a, b) => a + b, 0);

        await page.locator('.live.on').waitFor();
        const run = await call('POST', '/runs', { workflow: 'slow' });
        const row = page.locator(`tr[data-run-id="${run.id}"]`);
        await row.getByText('running').waitFor();
        const asked = Date.now();
        await call('POST', `/runs/${run.id}/cancel`);
        await row.getByText('cancelled').waitFor({ timeout: 30_000 });
        live.push(Date.now() - asked);
        await waitFor(async () => ((await call('GET', `/runs/${run.id}`)).status === 'cancelled' ? true : undefined), 'the cancel');
      } finally {
        await browser.close();
        rmSync(profile, { recursive: true, force: true });
      }
    }
  } finally {
    await stopProcess(dev, 'SIGINT');
    rmSync(dataDir, { recursive: true, force: true });
  }

  const markdown = `
## The dashboard

Command: \`npm run bench:dashboard -- --repeats ${REPEATS} --runs ${RUNS}\`
Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end; \`weft dev\` (PGlite) and headless Chromium (${CHROMIUM_ARGS.join(' ')}) on loopback, a fresh profile each repeat.
Date: ${new Date().toISOString().slice(0, 10)}. Timings: the median of ${REPEATS} repeats, with their range.

| what | measured | budget |
| --- | ---: | --- |
| JavaScript shipped: every script of the build, gzipped (${scripts.length} files) | ${kb(totalJs)} | < 500 KB gzipped |
| JavaScript the first load of \`/runs\` fetches, gzipped | ${kb(firstLoadJs)} | |
| first load of \`/runs\` (cold cache, signed in, ${Math.min(RUNS, 100)} of ${RUNS} stored runs shown): navigation to the table drawn | ${summary(firstLoads)} | < 2 s |
| live update: the cancel request answered → the runs page shows the run cancelled (through the workflow, the database, the event stream and the render) | ${summary(live)} | < 200 ms from the event |

- The run page (React Flow), the analytics page (Recharts) and the workflow page (the YAML library) are separate chunks, loaded when opened; \`/runs\` fetches only the app's core.
- The live figure is measured from outside the browser, so it includes the workflow's reaction to the cancel and the event's way through the database (PGlite under \`weft dev\`) and the stream: the render's own share is smaller.
`;
  writeSection(join(import.meta.dirname, '..', 'docs', 'benchmarks.md'), 'dashboard', markdown);
  console.log(markdown);
}

await main();
