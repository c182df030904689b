import { gunzipSync } from 'node:zlib';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ExpositionCache } from '../../../src/metrics/exposition-cache.js';
import { acceptsGzip } from '../../../src/metrics/exposition.js';
import { metricsRegistry, nodeDuration, runsFinished, seriesChanges } from '../../../src/metrics/registry.js';
import { SeriesChanges, watch } from '../../../src/metrics/series-changes.js';

/** A registry of every kind of metric, watched as Weft's are, and its cache. */
function fixture() {
  const registry = new Registry();
  const registers = [registry];
  const changes = new SeriesChanges();
  const counter = watch(new Counter({ name: 'c_total', help: 'a \\ help\nline', labelNames: ['a', 'b'] as const, registers }), changes);
  const gauge = watch(new Gauge({ name: 'g', help: 'g', labelNames: ['a'] as const, registers }), changes);
  const histogram = watch(new Histogram({ name: 'h_seconds', help: 'h', labelNames: ['a'] as const, buckets: [0.1, 1, 10], registers }), changes);
  watch(new Counter({ name: 'empty_total', help: 'never counted', labelNames: ['a'] as const, registers }), changes);
  const plain = watch(new Gauge({ name: 'plain', help: 'no labels', registers }), changes);
  const cache = new ExpositionCache(registry, changes);
  /** Both encodings equal prom-client's own text. */
  const same = async () => {
    const expected = await registry.metrics();
    expect(gunzipSync(Buffer.concat(cache.gzip())).toString()).toBe(expected);
    expect(cache.text()).toBe(expected);
  };
  return { registry, counter, gauge, histogram, plain, cache, same };
}

// The cache reads prom-client's series state: these fail first if an upgrade changes it.
describe('ExpositionCache', () => {
  it('serves what prom-client renders, through every kind of change, reusing nothing stale', async () => {
    const { counter, gauge, histogram, plain, same } = fixture();
    await same();
    counter.inc({ b: 'x', a: 'quote " back \\ newline \n' });
    counter.inc({ a: 'y', b: 'z' }, 2.5);
    gauge.inc({ a: 'w' });
    histogram.observe({ a: 'w' }, 0.5);
    plain.set(3);
    await same();
    counter.inc({ b: 'x', a: 'quote " back \\ newline \n' });
    gauge.dec({ a: 'w' });
    gauge.set({ a: 'v' }, Number.NaN);
    histogram.observe({ a: 'w' }, 20);
    histogram.observe({ a: 'v' }, 0);
    counter.labels({ a: 'child', b: 'bound' }).inc();
    const end = histogram.startTimer({ a: 'timer' });
    end();
    await same();
    histogram.zero({ a: 'w' });
    counter.remove({ a: 'y', b: 'z' });
    await same();
    counter.inc({ a: 'y', b: 'z' });
    counter.reset();
    gauge.set({ a: 'v' }, Number.POSITIVE_INFINITY);
    await same();
  });

  it('re-compresses only the batches whose series changed', () => {
    const { counter, histogram, cache } = fixture();
    // Enough series for several batches in each family.
    for (let i = 0; i < 2000; i++) counter.inc({ a: `a${i}`, b: 'x' });
    for (let i = 0; i < 400; i++) histogram.observe({ a: `a${i}` }, 0.5);
    const before = cache.gzip();
    counter.inc({ a: 'a1999', b: 'x' });
    const after = cache.gzip();
    expect(after).toHaveLength(before.length);
    const rebuilt = after.filter((member, i) => member !== before[i]);
    expect(rebuilt).toHaveLength(1);
    expect(gunzipSync(rebuilt[0]!).toString()).toContain('c_total{a="a1999",b="x"} 2\n');
  });

  it("serves Weft's own registry as prom-client does", async () => {
    const cache = new ExpositionCache(metricsRegistry, seriesChanges);
    cache.text();
    runsFinished.inc({ workflow: 'hello', status: 'succeeded' });
    nodeDuration.observe({ workflow: 'hello', type: 'agent' }, 1.5);
    expect(cache.text()).toBe(await metricsRegistry.metrics());
  });
});

describe('acceptsGzip', () => {
  it.each([
    ['gzip', true],
    ['gzip, deflate, br', true],
    ['deflate, GZIP;q=0.5', true],
    ['*', true],
    ['gzip;q=0', false],
    ['identity', false],
    ['', false],
    [undefined, false],
    [['br', 'gzip'], true],
  ] as const)('%j → %s', (header, expected) => {
    expect(acceptsGzip(header as string | string[] | undefined)).toBe(expected);
  });
});
