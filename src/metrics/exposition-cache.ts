import { gzipSync } from 'node:zlib';
import type { Registry } from 'prom-client';
import { ALL, type SeriesChanges } from './series-changes.js';
import { headerText, seriesPrefixes, seriesText, type MetricState } from './series-text.js';
import { storedMember } from './stored-member.js';

/**
 * About this many bytes of series text share one gzip member: small enough
 * that a change leaves little text to send stored and compress again, large
 * enough that a scrape stays about a thousand members (each compression costs
 * a zlib set-up).
 */
const BATCH_BYTES = 8 * 1024;

/** How long compressing in the background may hold the event loop before it lets other work in. */
const SLICE_MS = 2;

/**
 * After the first change since the last refresh, how long the background waits
 * to fold in more before it refreshes: a scrape finds at most this much traffic
 * not yet rendered and compressed, and a busy batch is compressed at most about
 * four times a second.
 */
const REFRESH_MS = 250;

/** A gzip member of `bytes`: RFC 1952 lets members follow one another, and gzip readers (Prometheus's among them) read them as one stream. */
function pack(bytes: Buffer): Buffer {
  // The fastest level: the text is so repetitive that level 1 already shrinks it about 15 times.
  return gzipSync(bytes, { level: 1, memLevel: 9 });
}

/**
 * Consecutive series of one family, with their texts and, once compressed,
 * the gzip member of them. Each series' text is kept UTF-8 encoded: it is
 * encoded once when it changes, and a batch's text is then one copy of bytes,
 * where joining thousands of freshly built strings cost more than compressing them.
 */
class Batch {
  /** Series key (prom-client's) → its text, in prom-client's order. */
  readonly texts = new Map<string, Buffer>();
  bytes = 0;
  private packed: Buffer | null = null;

  put(key: string, text: Buffer): void {
    this.bytes += text.length - (this.texts.get(key)?.length ?? 0);
    this.texts.set(key, text);
    this.packed = null;
  }

  delete(key: string): void {
    const text = this.texts.get(key);
    if (text === undefined) return;
    this.bytes -= text.length;
    this.texts.delete(key);
    this.packed = null;
  }

  get compressed(): boolean {
    return this.packed !== null;
  }

  /** Copied afresh: only a client that refuses gzip, or a batch not yet compressed, asks; keeping it would hold the text twice. */
  text(): Buffer {
    return Buffer.concat([...this.texts.values()], this.bytes);
  }

  /** The batch's gzip member: compressed when it has been since its last change, stored otherwise. */
  member(): Buffer {
    return this.packed ?? storedMember(this.text());
  }

  compress(): void {
    this.packed ??= pack(this.text());
  }
}

/** One metric's text: its header, then its series in batches. */
class Family {
  private batches: Batch[] = [];
  private readonly batchOf = new Map<string, Batch>();
  private readonly prefixes = new Map<string, string[]>();
  private readonly plainHeader: Buffer;
  private readonly packedHeader: Buffer;

  constructor(private readonly metric: MetricState) {
    if (metric.collect || !['counter', 'gauge', 'histogram'].includes(metric.type)) throw new Error(`${metric.name}: a ${metric.type} with collect is not supported by the exposition cache`);
    this.plainHeader = Buffer.from(headerText(metric));
    this.packedHeader = pack(this.plainHeader);
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
    const text = Buffer.from(seriesText(this.metric, series, prefixes));
    if (batch) return batch.put(key, text);
    let last = this.batches.at(-1);
    if (!last || last.bytes >= BATCH_BYTES) this.batches.push((last = new Batch()));
    last.put(key, text);
    this.batchOf.set(key, last);
  }

  /** The batches that hold series (a batch emptied by removals stays, empty, until a rebuild). */
  filled(): Batch[] {
    return this.batches.filter((batch) => batch.bytes > 0);
  }

  plain(): Buffer[] {
    return [this.plainHeader, ...this.filled().map((batch) => batch.text())];
  }

  gzip(): Buffer[] {
    return [this.packedHeader, ...this.filled().map((batch) => batch.member())];
  }
}

/** Prometheus's blank line between two families. */
const PLAIN_SEPARATOR = Buffer.from('\n');
const PACKED_SEPARATOR = pack(PLAIN_SEPARATOR);

/**
 * A registry's Prometheus text, kept between scrapes and brought up to date
 * from `changes`, so that a scrape costs what changed rather than what exists
 * (1,000 workflows make some 20,000 series and 9 MB of text, which prom-client
 * renders afresh on every scrape). Its invariants:
 *
 * 1. Nothing stale is served: a scrape first re-renders every series reported
 *    to `changes` since the last one. Every metric of the registry must be
 *    watched (`watch`) by `changes`.
 * 2. The text is byte for byte what `registry.metrics()` returns, plain or
 *    gunzipped (the unit tests compare).
 * 3. A scrape never waits for compression: the text is kept in batches, each
 *    with its own gzip member, and a batch changed since it was last
 *    compressed goes out in a stored (uncompressed) member. A scrape's cost
 *    therefore follows the series changed since the last background refresh.
 * 4. Compression happens off the request path, in slices of at most
 *    `SLICE_MS` of event-loop time: right after a scrape that sent stored
 *    members, and, once the first scrape has come, `REFRESH_MS` after the
 *    first change since the previous refresh, so a batch is compressed at
 *    most about four times a second whatever the traffic.
 */
export class ExpositionCache {
  private readonly families = new Map<object, Family>();
  private refreshing: NodeJS.Timeout | null = null;
  private compressing: NodeJS.Immediate | null = null;
  private scraped = false;
  private failure: unknown = null;

  constructor(
    private readonly registry: Registry,
    private readonly changes: SeriesChanges,
  ) {}

  /** The whole text, as prom-client would write it, in pieces to send one after another. */
  plain(): Buffer[] {
    return this.refresh().flatMap((family, i) => (i === 0 ? family.plain() : [PLAIN_SEPARATOR, ...family.plain()]));
  }

  /** The whole text, as prom-client would write it. */
  text(): string {
    return Buffer.concat(this.plain()).toString();
  }

  /** The whole text as gzip members, to send one after another as one `Content-Encoding: gzip` body. */
  gzip(): Buffer[] {
    const members = this.refresh().flatMap((family, i) => (i === 0 ? family.gzip() : [PACKED_SEPARATOR, ...family.gzip()]));
    this.follow();
    this.compressLater();
    return members;
  }

  /** Re-renders and compresses everything changed, now rather than in the background. */
  settle(): void {
    for (const batch of this.uncompressed(this.refresh())) batch.compress();
  }

  /** From the first scrape on, a change schedules a refresh (its timer holds no process open): a process nobody scrapes does no exposition work. */
  private follow(): void {
    if (this.scraped) return;
    this.scraped = true;
    this.changes.listen(() => {
      this.refreshing ??= setTimeout(() => {
        this.refreshing = null;
        this.inBackground(() => {
          this.refresh();
          this.compressLater();
        });
      }, REFRESH_MS).unref();
    });
  }

  private compressLater(): void {
    this.compressing ??= setImmediate(() => this.inBackground(() => this.compressSlice())).unref();
  }

  /** Background work's error is thrown by the next scrape (answered 500 and logged there), not left to crash the process. */
  private inBackground(work: () => void): void {
    try {
      work();
    } catch (err) {
      this.failure = err;
    }
  }

  private compressSlice(): void {
    this.compressing = null;
    const until = performance.now() + SLICE_MS;
    for (const batch of this.uncompressed([...this.families.values()])) {
      if (performance.now() >= until) return this.compressLater();
      batch.compress();
    }
  }

  private *uncompressed(families: Iterable<Family>): Generator<Batch> {
    for (const family of families) for (const batch of family.filled()) if (!batch.compressed) yield batch;
  }

  private refresh(): Family[] {
    if (this.failure !== null) {
      const failure = this.failure;
      this.failure = null;
      throw failure;
    }
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
