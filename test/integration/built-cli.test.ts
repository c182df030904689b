import { execFile, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentNode, createHarness, definition, type Harness } from '../support/harness.js';
import { freePort } from '../support/ports.js';
import { ROOT, spawnNode, stopProcess } from '../support/processes.js';

/**
 * The README's production path: `npm run build`, then `weft api` and `weft
 * worker` from `dist/` with plain Node, no tsx. Built into a directory of its
 * own (the package's files beside it), not this checkout's `dist/`, which
 * `bin/weft.js` would switch every other test's CLI to while it is written.
 */
const ADMIN_KEY = 'weft_built_cli_test_admin_key_0123456789';
let h: Harness;
let dir: string;
let api: string;
const processes: ChildProcess[] = [];

beforeAll(async () => {
  h = await createHarness({ withoutWorker: true });
  dir = mkdtempSync(join(tmpdir(), 'weft-built-'));
  await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')], { cwd: ROOT });
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  for (const name of ['node_modules', 'drizzle']) symlinkSync(join(ROOT, name), join(dir, name));
  const port = await freePort();
  api = `http://127.0.0.1:${port}/api/v1`;
  const env = { ...process.env, DATABASE_URL: h.databaseUrl, TEMPORAL_ADDRESS: h.temporalAddress, WEFT_TASK_QUEUE: h.taskQueue, WEFT_LOG_LEVEL: 'info', WEFT_LOG_FORMAT: 'json' };
  const main = join(dir, 'dist', 'cli', 'main.js');
  processes.push(
    ...(await Promise.all([
      spawnNode('the built weft worker', [main, 'worker'], { ...env, WEFT_METRICS_PORT: String(await freePort()) }, 'Weft worker polling'),
      spawnNode('the built weft api', [main, 'api'], { ...env, WEFT_PORT: String(port), WEFT_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY }, 'Weft API listening'),
    ])),
  );
}, 180_000);

afterAll(async () => {
  for (const p of processes) await stopProcess(p, 'SIGTERM');
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const call = async (method: string, path: string, body: unknown) => {
  const res = await fetch(api + path, { method, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('the built CLI', () => {
  // The worker reads the built-in price list as it starts: a build without it (as `npm run build` once was) exits there.
  it('runs an agent run through weft api and weft worker from dist/', async () => {
    const saved = await call('POST', '/workflows', definition('built-hello', [agentNode('hello', { text: 'hi from dist' })]));
    expect(saved.status).toBe(201);
    const run = await call('POST', '/runs?wait=60s', { workflow: 'built-hello' });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ status: 'succeeded' });
    expect(JSON.stringify(run.body.output)).toContain('hi from dist');
  });
});
