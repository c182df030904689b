import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { WEB_DIST_DIR } from '../../src/dashboard/paths.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';
import { createHarness, type Harness, type HarnessOptions } from './harness.js';


/** A real stack serving the built dashboard, and a real headless Chromium with a fresh profile. */
export interface DashboardRig {
  h: Harness;
  browser: BrowserContext;
  /** Console errors and page errors of every page, so a test can assert there were none (a CSP refusal shows here). */
  problems: string[];
  /** A new page signed in with `key` (through the sign-in form), at `path`. */
  signedIn(key: string, path?: string): Promise<Page>;
  close(): Promise<void>;
}

/** Starts the harness with the dashboard (built by the global setup) and launches Chromium. */
export async function startDashboardRig(options: HarnessOptions = {}): Promise<DashboardRig> {
  const h = await createHarness({ ...options, dashboardDir: WEB_DIST_DIR });
  const profile = mkdtempSync(join(tmpdir(), 'weft-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, viewport: { width: 1400, height: 950 } });
  const problems: string[] = [];
  browser.on('page', (page) => {
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
  });
  return {
    h,
    browser,
    problems,
    async signedIn(key, path = '/runs') {
      const page = await browser.newPage();
      await page.goto(h.url + path);
      await page.getByLabel('API key').fill(key);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      return page;
    },
    async close() {
      await browser.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
      await h.close();
    },
  };
}
