/**
 * One series as prom-client 15 keeps it in a metric's `hashMap`: a counter's
 * or gauge's `value`, a histogram's per-bucket `bucketValues`, `sum` and `count`.
 * test/unit/metrics/exposition-cache.test.ts checks the text rendered from it
 * against prom-client's own, so an upgrade that changes this shape fails there first.
 */
export interface Series {
  labels: Record<string, string | number>;
  value?: number;
  sum?: number;
  count?: number;
  bucketValues?: Record<string, number>;
}

/** The parts of a prom-client 15 metric the exposition reads. */
export interface MetricState {
  name: string;
  help: string;
  type: string;
  hashMap: Record<string, Series>;
  upperBounds?: number[];
  collect?: unknown;
}

/** A family's `# HELP` and `# TYPE` lines, each ending in a newline. */
export function headerText(metric: MetricState): string {
  return `# HELP ${escape(metric.name)} ${escape(metric.help)}\n# TYPE ${escape(metric.name)} ${metric.type}\n`;
}

/**
 * What comes before the number on each of a series' sample lines: its name and
 * labels never change, so these are built once per series and a changed series
 * costs only its numbers (a histogram's 19 lines with 1,000 workflows' worth of them).
 */
export function seriesPrefixes(metric: MetricState, labels: Record<string, string | number>): string[] {
  const text = labelText(labels);
  if (metric.type !== 'histogram') return [`${metric.name}${braces(text)} `];
  // Cumulative buckets with `le` first (prom-client's order), then `+Inf`, `_sum` and `_count`.
  const withLe = (le: string) => `{le="${le}"${text ? `,${text}` : ''}}`;
  return [
    ...(metric.upperBounds ?? []).map((bound) => `${metric.name}_bucket${withLe(String(bound))} `),
    `${metric.name}_bucket${withLe('+Inf')} `,
    `${metric.name}_sum${braces(text)} `,
    `${metric.name}_count${braces(text)} `,
  ];
}

/** One series' sample lines as prom-client writes them, each ending in a newline; `prefixes` from `seriesPrefixes`. */
export function seriesText(metric: MetricState, series: Series, prefixes: string[]): string {
  if (metric.type !== 'histogram') return `${prefixes[0]}${number(series.value ?? 0)}\n`;
  const bounds = metric.upperBounds ?? [];
  let text = '';
  let total = 0;
  for (let i = 0; i < bounds.length; i++) {
    total += series.bucketValues?.[bounds[i]!] ?? 0;
    text += `${prefixes[i]}${number(total)}\n`;
  }
  const count = number(series.count ?? 0);
  return `${text}${prefixes[bounds.length]}${count}\n${prefixes[bounds.length + 1]}${number(series.sum ?? 0)}\n${prefixes[bounds.length + 2]}${count}\n`;
}

function labelText(labels: Record<string, string | number>): string {
  return Object.entries(labels)
    .map(([name, value]) => `${name}="${typeof value === 'string' ? escape(value).replace(/"/g, '\\"') : value}"`)
    .join(',');
}

function braces(labels: string): string {
  return labels ? `{${labels}}` : '';
}

function escape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** prom-client's spelling of special values. */
function number(value: number): string {
  if (Number.isNaN(value)) return 'Nan';
  if (!Number.isFinite(value)) return value < 0 ? '-Inf' : '+Inf';
  return String(value);
}
