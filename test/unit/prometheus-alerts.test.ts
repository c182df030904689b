import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { metricNames } from '../support/promql-names.js';
import { metricsRegistry } from '../../src/metrics/registry.js';

const DIR = join(import.meta.dirname, '..', '..', 'deploy', 'prometheus');
const run = promisify(execFile);

/** deploy/prometheus/alerts.yml (contract weft-ops §13), through Prometheus's own tool. */
describe('Prometheus alert rules', () => {
  it('pass promtool check rules', async () => {
    const { stdout } = await run('promtool', ['check', 'rules', 'alerts.yml'], { cwd: DIR });
    expect(stdout).toContain('SUCCESS: 7 rules found');
  });

  it('pass their unit tests (promtool test rules)', async () => {
    const { stdout } = await run('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: DIR });
    expect(stdout).toContain('SUCCESS');
  });

  it('read only metrics Weft exports', async () => {
    const exported = new Set((await metricsRegistry.getMetricsAsJSON()).map((m) => m.name));
    const { groups } = parse(readFileSync(join(DIR, 'alerts.yml'), 'utf8')) as { groups: { rules: { expr: string }[] }[] };
    const used = groups.flatMap((g) => g.rules.flatMap((r) => metricNames(r.expr))).map((n) => n.replace(/_(bucket|sum|count)$/, ''));
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(exported, name).toContain(name);
  });
});
