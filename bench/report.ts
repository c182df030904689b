import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Writes one benchmark's section of docs/benchmarks.md, between its own
 * markers, leaving the other benchmarks' sections as they are (each bench
 * script refreshes only what it measured); a new section goes before the
 * `## History` of figures that are kept only as history.
 */
export function writeSection(file: string, name: string, markdown: string): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  let next: string;
  if (from >= 0 && to > from) next = current.slice(0, from) + block + current.slice(to + end.length);
  else {
    // A new section goes before the history, which stays last.
    const history = current.indexOf('\n## History');
    next = history >= 0 ? `${current.slice(0, history).trimEnd()}\n\n${block}\n${current.slice(history)}` : `${current.trimEnd()}\n\n${block}\n`;
  }
  writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
}

/** The p-th percentile of sorted values (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The median of unsorted values (the upper one of an even count, as `percentile(sorted, 50)`). */
export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/** `median (min–max)` of repeated measurements, `digits` after the point; the median alone for one. */
export function spread(values: readonly number[], digits: number): string {
  const m = median(values).toFixed(digits);
  if (values.length < 2) return m;
  return `${m} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
}

/** autocannon reports fixed percentiles; p95 sits between its p90 and p97.5 (interpolated). */
export function autocannonP95(latency: { p90: number; p97_5: number }): number {
  return latency.p90 + ((latency.p97_5 - latency.p90) * (95 - 90)) / (97.5 - 90);
}
