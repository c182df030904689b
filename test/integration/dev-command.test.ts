import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { spawnWeft, stopProcess, waitFor } from '../support/processes.js';

/**
 * `weft dev` (npm start) as a user runs it: its own Temporal dev server on SQLite,
 * PGlite storage and a generated admin key under the data dir. Stopping it with
 * Ctrl-C mid-run and starting it again, the run goes on and completes (contract
 * 3.5: Temporal server restarts with persistent storage lose nothing).
 */
let dataDir: string;
let env: NodeJS.ProcessEnv;
let url: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'weft-dev-'));
  const [api, temporal, ui] = [await freePort(), await freePort(), await freePort()];
  const { DATABASE_URL: _db, WEFT_BOOTSTRAP_ADMIN_KEY: _key, ...rest } = process.env;
  env = { ...rest, WEFT_DATA_DIR: dataDir, WEFT_PORT: String(api), WEFT_TEMPORAL_PORT: String(temporal), WEFT_TEMPORAL_UI_PORT: String(ui), WEFT_LOG_LEVEL: 'warn' };
  url = `http://127.0.0.1:${api}`;
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function startDev(): Promise<ChildProcess> {
  const child = await spawnWeft('dev', env, 'Ctrl-C stops everything');
  children.push(child);
  return child;
}

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const key = readFileSync(join(dataDir, 'admin-key'), 'utf8').trim();
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return res.json();
}

describe('weft dev', () => {
  it('runs everything from one command and resumes a run after Ctrl-C and a restart', async () => {
    const first = await startDev();
    const started = await api('POST', '/runs', {
      definition: {
        apiVersion: 'weft/v1',
        name: 'restart',
        nodes: [
          { id: 'slow', type: 'agent', timeout: '3s', retry: { maxAttempts: 3, initialInterval: '100ms' }, agent: { provider: 'offline', prompt: 'p', mock: { text: 'done', delay: '1500ms' } } },
          { id: 'after', type: 'transform', needs: ['slow'], output: '{{ nodes.slow.output.text }}!' },
        ],
      },
    });
    expect(started.status).toBe('running');
    await waitFor(async () => ((await api('GET', `/runs/${started.id}`)).nodes?.slow?.status === 'running' ? true : undefined), 'slow to run');
    expect(await stopProcess(first, 'SIGINT')).toBe(0);

    await startDev();
    const run = await waitFor(async () => {
      const r = await api('GET', `/runs/${started.id}`);
      return r.status === 'running' ? undefined : r;
    }, 'the run to end after the restart');
    expect(run).toMatchObject({ status: 'succeeded', output: { after: 'done!' } });
    // Two start-ups of a whole Weft, each bundling the workflow code: about 40 s on 2 idle cores.
  }, 180_000);
});
