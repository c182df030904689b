import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { ensureDashboardBuilt } from '../../src/dashboard/ensure-built.js';
import { findTemporalCli, startTemporalDevServer } from '../../src/runtime/temporal-dev-server.js';
import { workflowBundleOptions } from '../../src/worker/bundle-options.js';
import { quietBundlerLogger } from './bundler-logger.js';
import { startThrowawayPostgres } from './postgres-cluster.js';
import { freePort } from './ports.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    postgresUrl: string;
    workflowBundlePath: string;
  }
}

/**
 * Starts what the integration tests run against, once for the whole suite: the
 * real Temporal dev server (the CLI binary), a throwaway PostgreSQL cluster
 * (unless DATABASE_URL names one), and the workflow bundle, built once; and
 * the dashboard, built here when its sources changed: browser test files run in
 * parallel, and one building it while another served it answered pages whose
 * scripts were being rewritten (a sign-in button that never appeared).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const scratch = mkdtempSync(join(tmpdir(), 'weft-test-'));
  const [server, postgres, bundle] = await Promise.all([
    freePort().then((port) => startTemporalDevServer({ binary: findTemporalCli(process.env.TEMPORAL_CLI), port, headless: true })),
    process.env.DATABASE_URL ? Promise.resolve({ url: process.env.DATABASE_URL, stop: () => {} }) : startThrowawayPostgres(),
    bundleWorkflowCode({ ...workflowBundleOptions(), logger: quietBundlerLogger }),
    ensureDashboardBuilt(),
  ]);
  const bundlePath = join(scratch, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  project.provide('temporalAddress', server.address);
  project.provide('postgresUrl', postgres.url);
  project.provide('workflowBundlePath', bundlePath);
  return async () => {
    await server.stop();
    postgres.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
}
