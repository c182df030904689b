import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { spawnWeft, stopProcess } from './processes.js';

/** `weft dev` as the scripts start it: free ports, a throwaway data dir, its admin key. */
export interface DevSession {
  url: string;
  /** Temporal's Web UI. */
  uiUrl: string;
  port: number;
  /** Its data dir (`WEFT_DATA_DIR`): the admin key file, PGlite, Temporal's SQLite. */
  dataDir: string;
  /** The session's admin key (a throwaway one, as its data). */
  key: string;
  /** Calls `/api/v1` as the admin; throws on any status but 2xx. */
  call(method: string, path: string, body?: unknown): Promise<{ id: string; status: string }>;
  /** Stops `weft dev` (as Ctrl-C does) and removes its data. */
  stop(): Promise<void>;
}

/** Starts `weft dev` with its data under a new temporary dir named after `prefix`. */
export async function startDevSession(prefix: string): Promise<DevSession> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  // Not the caller's database or bootstrap key: the session's own PGlite and key.
  const { DATABASE_URL: _db, WEFT_BOOTSTRAP_ADMIN_KEY: _key, ...rest } = process.env;
  let dev: ChildProcess | undefined;
  let port = 0;
  let ui = 0;
  // A port found free can be taken by another test file's process before weft dev binds it: then
  // (and only then) it starts again on other ports, at most three times.
  for (let tries = 1; dev === undefined; tries++) {
    const temporal = await freePort();
    [port, ui] = [await freePort(), await freePort()];
    const env = { ...rest, WEFT_DATA_DIR: dataDir, WEFT_PORT: String(port), WEFT_TEMPORAL_PORT: String(temporal), WEFT_TEMPORAL_UI_PORT: String(ui), WEFT_LOG_LEVEL: 'warn' };
    try {
      dev = await spawnWeft('dev', env, 'Ctrl-C stops everything');
    } catch (err) {
      if (tries < 3 && /address already in use|EADDRINUSE/.test((err as Error).message)) continue;
      rmSync(dataDir, { recursive: true, force: true });
      throw err;
    }
  }
  const started = dev;
  const url = `http://127.0.0.1:${port}`;
  const key = readFileSync(join(dataDir, 'admin-key'), 'utf8').trim();
  return {
    url,
    uiUrl: `http://127.0.0.1:${ui}`,
    port,
    dataDir,
    key,
    async call(method, path, body) {
      const res = await fetch(`${url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? null : JSON.stringify(body) });
      const json = (await res.json()) as { id: string; status: string };
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    },
    async stop() {
      await stopProcess(started, 'SIGINT');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
