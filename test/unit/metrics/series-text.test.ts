import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { metricsRegistry, nodeDuration, runsFinished } from '../../../src/metrics/registry.js';
import { SeriesText } from '../../../src/metrics/series-text.js';

// SeriesText reads prom-client's series state: these fail first if an upgrade changes it.
describe('SeriesText', () => {
  it('renders what prom-client renders, through every kind of change, reusing nothing stale', async () => {
    const registry = new Registry();
    const registers = [registry];
    const counter = new Counter({ name: 'c_total', help: 'a \\ help\nline', labelNames: ['a', 'b'] as const, registers });
    const gauge = new Gauge({ name: 'g', help: 'g', labelNames: ['a'] as const, registers });
    const histogram = new Histogram({ name: 'h_seconds', help: 'h', labelNames: ['a'] as const, buckets: [0.1, 1, 10], registers });
    new Counter({ name: 'empty_total', help: 'never counted', labelNames: ['a'] as const, registers });
    new Gauge({ name: 'plain', help: 'no labels', registers });
    const text = new SeriesText(registry);
    const same = async () => expect(text.render()).toBe(await registry.metrics());

    await same();
    counter.inc({ b: 'x', a: 'quote " back \\ newline \n' });
    counter.inc({ a: 'y', b: 'z' }, 2.5);
    gauge.inc({ a: 'w' });
    histogram.observe({ a: 'w' }, 0.5);
    await same();
    counter.inc({ b: 'x', a: 'quote " back \\ newline \n' });
    gauge.dec({ a: 'w' });
    gauge.set({ a: 'v' }, Number.NaN);
    histogram.observe({ a: 'w' }, 20);
    histogram.observe({ a: 'v' }, 0);
    await same();
    histogram.zero({ a: 'w' });
    counter.remove({ a: 'y', b: 'z' });
    await same();
    counter.reset();
    gauge.set({ a: 'v' }, Number.POSITIVE_INFINITY);
    await same();
  });

  it("renders Weft's own registry as prom-client does", async () => {
    runsFinished.inc({ workflow: 'hello', status: 'succeeded' });
    nodeDuration.observe({ workflow: 'hello', type: 'agent' }, 1.5);
    expect(new SeriesText(metricsRegistry).render()).toBe(await metricsRegistry.metrics());
  });
});
