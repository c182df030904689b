import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentNode, createHarness, definition, type Harness } from '../support/harness.js';
import { freePort } from '../support/ports.js';
import { spawnWeft, waitFor } from '../support/processes.js';
import { ROOT } from '../support/processes.js';
import { metricNames } from '../support/promql-names.js';
import { startPrometheus, type Prometheus } from '../support/prometheus.js';
import { metricsRegistry } from '../../src/metrics/registry.js';

/** A real Prometheus scraping the API and a worker process; PromQL through its HTTP API sees a known workload. */
let h: Harness;
let worker: ChildProcess;
let prometheus: Prometheus;
let workerMetricsUrl: string;

beforeAll(async () => {
  h = await createHarness({ withoutWorker: true });
  const metricsPort = await freePort();
  const env = { ...process.env, TEMPORAL_ADDRESS: h.temporalAddress, DATABASE_URL: h.databaseUrl, WEFT_TASK_QUEUE: h.taskQueue, WEFT_LOG_LEVEL: 'info', WEFT_METRICS_PORT: String(metricsPort) };
  worker = await spawnWeft('worker', env, 'Weft worker polling');
  workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  prometheus = await startPrometheus({ 'weft-api': new URL(h.url).host, 'weft-worker': `127.0.0.1:${metricsPort}` });
});
afterAll(async () => {
  await prometheus?.stop();
  worker?.kill('SIGTERM');
  await h?.close();
});

/** The query's single value once it equals `expected` (a scrape or two after the workload). */
async function eventually(promql: string, expected: number): Promise<number> {
  let last = NaN;
  try {
    return await waitFor(async () => {
      const [first] = await prometheus.query(promql);
      last = first ? Number(first.value[1]) : NaN;
      return last === expected ? last : undefined;
    }, `${promql} = ${expected}`, 20_000);
  } catch {
    return last;
  }
}

describe('Prometheus', () => {
  it('counts a known workload: 3 runs (2 succeeded, 1 failed), 5 node executions, 1 retry', async () => {
    const ok = definition('prom-known', [agentNode('draft', { text: 'x', usage: { inputTokens: 11, outputTokens: 4 } }), { id: 'fmt', type: 'transform', needs: ['draft'], output: 1 }]);
    const failing = definition('prom-known', [agentNode('draft', { failTimes: 5 }, { retry: { maxAttempts: 2, initialInterval: '50ms' } })]);
    await Promise.all([h.run(ok), h.run(ok), h.run(failing)]);

    expect(await eventually('sum(weft_runs_started_total{workflow="prom-known"})', 3)).toBe(3);
    expect(await eventually('sum(weft_runs_finished_total{workflow="prom-known",status="succeeded"})', 2)).toBe(2);
    expect(await eventually('sum(weft_runs_finished_total{workflow="prom-known",status="failed"})', 1)).toBe(1);
    expect(await eventually('sum(weft_node_executions_total{workflow="prom-known"})', 5)).toBe(5);
    expect(await eventually('sum(weft_node_retries_total{workflow="prom-known",type="agent"})', 1)).toBe(1);
    expect(await eventually('sum(weft_agent_tokens_total{provider="offline",kind="input"})', 22)).toBe(22);
    expect(await eventually('sum(weft_runs_active{workflow="prom-known"})', 0)).toBe(0);
    expect(await eventually('sum(weft_http_requests_total{job="weft-api",route="/api/v1/runs",method="POST",status="202"})', 3)).toBe(3);
    // The worker's Temporal SDK series arrive through the same scrape.
    expect((await prometheus.query('count(temporal_workflow_completed_total)')).length).toBe(1);
  });

  it('the Grafana dashboard: Prometheus parses every query, and each metric it reads is Weft\'s or the worker\'s temporal_*', async () => {
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/dashboards/weft.json'), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(15);
    const weft = new Set((await metricsRegistry.getMetricsAsJSON()).flatMap((m) => (`${m.type}` === 'histogram' ? ['_bucket', '_sum', '_count'].map((s) => `${m.name}${s}`) : [m.name])));
    const temporal = new Set([...(await (await fetch(workerMetricsUrl)).text()).matchAll(/^(temporal_\w+?)(?:\{| )/gm)].map((m) => m[1]!));
    const unknown: string[] = [];
    for (const expr of exprs) {
      // Grafana fills $__rate_interval in; Prometheus must accept the rest as it is.
      const res = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr.replaceAll('$__rate_interval', '1m'))}`);
      expect({ expr, status: res.status }).toEqual({ expr, status: 200 });
      for (const name of metricNames(expr)) if (!weft.has(name) && !temporal.has(name)) unknown.push(`${name} in ${expr}`);
    }
    expect(unknown).toEqual([]);
  });
});
