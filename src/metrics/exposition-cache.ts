import { gzipSync } from 'node:zlib';
import type { Registry } from 'prom-client';
import { ALL, type SeriesChanges } from './series-changes.js';
import { headerText, seriesPrefixes, seriesText, type MetricState } from './series-text.js';

/**
 * About this much series text shares one gzip member: small enough that a
 * change re-compresses little, large enough that a scrape stays a few hundred
 * members rather than thousands (each costs a zlib set-up).
 */
const BATCH_CHARS = 32 * 1024;

/** A gzip member of `text`: RFC 1952 lets members follow one another, and gzip readers (Prometheus's among them) read them as one stream. */
function pack(text: string): Buffer {
  return gzipSync(text, { level: 1, memLevel: 9 });
}

/** Consecutive series of one family, with their texts and the gzip member of them, made when first asked for after a change. */
class Batch {
  /** Series key (prom-client's) → its text, in prom-client's order. */
  readonly texts = new Map<string, string>();
  chars = 0;
  private packed: Buffer | null = null;

  put(key: string, text: string): void {
    this.chars += text.length - (this.texts.get(key)?.length ?? 0);
    this.texts.set(key, text);
    this.packed = null;
  }

  delete(key: string): void {
    const text = this.texts.get(key);
    if (text === undefined) return;
    this.chars -= text.length;
    this.texts.delete(key);
    this.packed = null;
  }

  /** Joined afresh: only a client that refuses gzip asks, and keeping it would hold the text twice. */
  text(): string {
    return [...this.texts.values()].join('');
  }

  gzip(): Buffer {
    return (this.packed ??= pack(this.text()));
  }
}

/** One metric's text: its header, then its series in batches. */
class Family {
  private batches: Batch[] = [];
  private readonly batchOf = new Map<string, Batch>();
  private readonly prefixes = new Map<string, string[]>();
  readonly header: string;
  readonly packedHeader: Buffer;

  constructor(private readonly metric: MetricState) {
    if (metric.collect || !['counter', 'gauge', 'histogram'].includes(metric.type)) throw new Error(`${metric.name}: a ${metric.type} with collect is not supported by the exposition cache`);
    this.header = headerText(metric);
    this.packedHeader = pack(this.header);
    this.rebuild();
  }

  /** Every series again, from prom-client's state (after a reset replaced them all). */
  rebuild(): void {
    this.batches = [];
    this.batchOf.clear();
    this.prefixes.clear();
    for (const key of Object.keys(this.metric.hashMap)) this.update(key);
  }

  /** The series `key` again: re-rendered, added at the end if new, dropped if gone. */
  update(key: string): void {
    const series = this.metric.hashMap[key];
    const batch = this.batchOf.get(key);
    if (!series) {
      batch?.delete(key);
      this.batchOf.delete(key);
      this.prefixes.delete(key);
      return;
    }
    let prefixes = this.prefixes.get(key);
    if (!prefixes) this.prefixes.set(key, (prefixes = seriesPrefixes(this.metric, series.labels)));
    const text = seriesText(this.metric, series, prefixes);
    if (batch) return batch.put(key, text);
    let last = this.batches.at(-1);
    if (!last || last.chars >= BATCH_CHARS) this.batches.push((last = new Batch()));
    last.put(key, text);
    this.batchOf.set(key, last);
  }

  text(): string {
    return this.header + this.batches.map((batch) => batch.text()).join('');
  }

  gzip(): Buffer[] {
    return [this.packedHeader, ...this.batches.filter((batch) => batch.chars > 0).map((batch) => batch.gzip())];
  }
}

/** Prometheus's blank line between two families. */
const SEPARATOR = '\n';
const PACKED_SEPARATOR = pack(SEPARATOR);

/**
 * A registry's Prometheus text, kept between scrapes and brought up to date
 * from `changes`: a scrape re-renders and re-compresses only the batches whose
 * series changed, so its cost follows the traffic since the last scrape, not
 * the number of series (1,000 workflows make some 20,000 series and 9 MB of
 * text, which prom-client rebuilds on every scrape). Nothing stale is served:
 * every update reaches `changes` before the next scrape reads it. The text is
 * byte for byte what `registry.metrics()` returns (the unit tests compare).
 * Every metric of the registry must be watched (`watch`) by `changes`.
 */
export class ExpositionCache {
  private readonly families = new Map<object, Family>();

  constructor(
    private readonly registry: Registry,
    private readonly changes: SeriesChanges,
  ) {}

  /** The whole text, as prom-client would write it. */
  text(): string {
    return this.refresh()
      .map((family) => family.text())
      .join(SEPARATOR);
  }

  /** The whole text as gzip members, to send one after another as one `Content-Encoding: gzip` body. */
  gzip(): Buffer[] {
    return this.refresh().flatMap((family, i) => (i === 0 ? family.gzip() : [PACKED_SEPARATOR, ...family.gzip()]));
  }

  private refresh(): Family[] {
    const changed = this.changes.take();
    return this.registry.getMetricsAsArray().map((metric) => {
      let family = this.families.get(metric);
      if (!family) {
        family = new Family(metric as unknown as MetricState);
        this.families.set(metric, family);
        return family;
      }
      const keys = changed.get(metric);
      if (keys === ALL) family.rebuild();
      else if (keys) for (const key of keys) family.update(key);
      return family;
    });
  }
}
