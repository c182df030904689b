import { gunzipSync } from 'node:zlib';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExpositionCache } from '../../../src/metrics/exposition-cache.js';
import { acceptsGzip } from '../../../src/metrics/exposition.js';
import { metricsRegistry, nodeDuration, runsFinished, seriesChanges } from '../../../src/metrics/registry.js';
import { SeriesChanges, watch } from '../../../src/metrics/series-changes.js';

/** Whether a gzip member holds its first deflate block stored, uncompressed (RFC 1951: BTYPE 00). */
function stored(member: Buffer): boolean {
  return (member[10]! & 0b110) === 0;
}

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

  it('sends a batch changed since it was compressed stored, compresses it afterwards, and leaves the others alone', () => {
    const { counter, histogram, cache } = fixture();
    // Enough series for several batches in each family.
    for (let i = 0; i < 2000; i++) counter.inc({ a: `a${i}`, b: 'x' });
    for (let i = 0; i < 400; i++) histogram.observe({ a: `a${i}` }, 0.5);
    cache.settle();
    const before = cache.gzip();
    expect(before.filter(stored)).toEqual([]);
    counter.inc({ a: 'a1999', b: 'x' });
    const after = cache.gzip();
    expect(after).toHaveLength(before.length);
    const changed = after.flatMap((member, i) => (member === before[i] ? [] : [i]));
    expect(changed).toHaveLength(1);
    const member = after[changed[0]!]!;
    const text = gunzipSync(member).toString();
    expect(text).toContain('c_total{a="a1999",b="x"} 2\n');
    expect(stored(member)).toBe(true);
    cache.settle();
    const settled = cache.gzip();
    expect(settled.flatMap((m, i) => (m === after[i] ? [] : [i]))).toEqual(changed);
    expect(stored(settled[changed[0]!]!)).toBe(false);
    expect(gunzipSync(settled[changed[0]!]!).toString()).toBe(text);
  });

  describe('in the background', () => {
    beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] }));
    afterEach(() => vi.useRealTimers());

    it('does nothing until the first scrape', () => {
      const { counter } = fixture();
      counter.inc({ a: 'x', b: 'y' });
      expect(vi.getTimerCount()).toBe(0);
    });

    it('compresses what a scrape sent stored, right after it', async () => {
      const { counter, cache, same } = fixture();
      for (let i = 0; i < 2000; i++) counter.inc({ a: `a${i}`, b: 'x' });
      expect(cache.gzip().filter(stored).length).toBeGreaterThan(1);
      await vi.runAllTimersAsync();
      expect(cache.gzip().filter(stored)).toEqual([]);
      await same();
    });

    it('refreshes and compresses a quarter of a second after a change, with no scrape', async () => {
      const { counter, cache, same } = fixture();
      cache.gzip();
      await vi.runAllTimersAsync();
      counter.inc({ a: 'late', b: 'x' });
      counter.inc({ a: 'later', b: 'x' });
      expect(vi.getTimerCount()).toBe(1);
      await vi.advanceTimersByTimeAsync(250);
      await vi.runAllTimersAsync();
      // Had the background not run, this scrape would render the change and send its batch stored.
      const members = cache.gzip();
      expect(members.filter(stored)).toEqual([]);
      expect(gunzipSync(Buffer.concat(members)).toString()).toContain('c_total{a="later",b="x"} 1\n');
      await same();
    });

    it('leaves a failure of its own to the next scrape rather than throwing it out of a timer', async () => {
      const { registry, counter, cache } = fixture();
      cache.gzip();
      await vi.runAllTimersAsync();
      // A metric the exposition cannot render (prom-client would call its collect): refreshing it throws.
      new Gauge({ name: 'collected', help: 'c', registers: [registry], collect() {} });
      counter.inc({ a: 'x', b: 'y' });
      await vi.advanceTimersByTimeAsync(250);
      expect(() => cache.gzip()).toThrow(/collected: a gauge with collect/);
    });
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
