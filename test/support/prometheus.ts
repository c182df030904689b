import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { waitFor } from './processes.js';

/** A real Prometheus (Debian's `prometheus` package) on loopback, scraping `targets` every second. */
export interface Prometheus {
  url: string;
  /** An instant query's result vector. */
  query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  stop(): Promise<void>;
}

export async function startPrometheus(targets: Record<string, string>): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  const jobs = Object.entries(targets).map(([job, target]) => `  - job_name: ${job}\n    static_configs:\n      - targets: ['${target}']`);
  writeFileSync(config, `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n${jobs.join('\n')}\n`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('prometheus', [`--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.path=${join(dir, 'data')}`], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const api = async <T>(path: string): Promise<T | undefined> => {
    try {
      const res = await fetch(`${url}${path}`);
      return res.ok ? ((await res.json()) as { data: T }).data : undefined;
    } catch {
      return undefined;
    }
  };
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  let seen: unknown;
  try {
    await waitFor(async () => {
      const data = await api<{ activeTargets: { health: string }[] }>('/api/v1/targets');
      seen = data?.activeTargets;
      return data && data.activeTargets.length === Object.keys(targets).length && data.activeTargets.every((t) => t.health === 'up') ? true : undefined;
    }, 'every Prometheus target to be up', 30_000);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}; targets: ${JSON.stringify(seen)}`);
  }
  return {
    url,
    query: async (promql) => (await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent(promql)}`))?.result ?? [],
    stop,
  };
}
