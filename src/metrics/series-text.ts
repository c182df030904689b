import type { Registry } from 'prom-client';

/**
 * One series as prom-client 15 keeps it in a metric's `hashMap`: a counter's
 * or gauge's `value`, a histogram's per-bucket `bucketValues`, `sum` and `count`.
 * prom-client updates this object in place and replaces it on reset, so the
 * object and its numbers say whether text rendered from it is still current.
 * test/unit/series-text.test.ts checks the output against prom-client's own.
 */
interface Series {
  labels: Record<string, string | number>;
  value?: number;
  sum?: number;
  count?: number;
  bucketValues?: Record<string, number>;
}

interface MetricState {
  name: string;
  help: string;
  type: string;
  hashMap: Record<string, Series>;
  upperBounds?: number[];
  collect?: unknown;
}

interface Rendered {
  value: number | undefined;
  count: number | undefined;
  sum: number | undefined;
  text: string;
}

/**
 * Renders a registry in Prometheus text format, as `registry.metrics()` does,
 * but re-renders only the series whose numbers changed since the last scrape.
 * prom-client rebuilds every line on every scrape (with 1,000 workflows, some
 * 110,000 lines and a few hundred milliseconds on the event loop); between two
 * scrapes most workflows run nothing, so most series' text can be reused. No
 * text is reused after its series changed: every scrape shows current values.
 * Handles counters, gauges and histograms without `collect` (all of Weft's own).
 */
export class SeriesText {
  private readonly rendered = new WeakMap<Series, Rendered>();

  constructor(private readonly registry: Registry) {}

  /** The registry's text, byte for byte what prom-client would serve. */
  render(): string {
    const metrics = this.registry.getMetricsAsArray().map((metric) => {
      const state = metric as unknown as MetricState;
      if (state.collect || !['counter', 'gauge', 'histogram'].includes(state.type)) throw new Error(`${state.name}: a ${state.type} with collect is not supported by SeriesText`);
      const parts = [`# HELP ${escape(state.name)} ${escape(state.help)}`, `# TYPE ${escape(state.name)} ${state.type}`];
      for (const series of Object.values(state.hashMap)) parts.push(this.series(state, series));
      return parts.join('\n');
    });
    return `${metrics.join('\n\n')}\n`;
  }

  private series(metric: MetricState, series: Series): string {
    const { value, count, sum } = series;
    const cached = this.rendered.get(series);
    if (cached && Object.is(cached.value, value) && Object.is(cached.count, count) && Object.is(cached.sum, sum)) return cached.text;
    const text = metric.type === 'histogram' ? histogramLines(metric, series) : `${metric.name}${braces(labelText(series.labels))} ${number(value ?? 0)}`;
    this.rendered.set(series, { value, count, sum, text });
    return text;
  }
}

/** Cumulative buckets with `le` first (prom-client's order), then `+Inf`, `_sum` and `_count`. */
function histogramLines(metric: MetricState, series: Series): string {
  const labels = labelText(series.labels);
  const withLe = (le: string) => `{le="${le}"${labels ? `,${labels}` : ''}}`;
  const lines: string[] = [];
  let total = 0;
  for (const bound of metric.upperBounds ?? []) {
    total += series.bucketValues?.[bound] ?? 0;
    lines.push(`${metric.name}_bucket${withLe(String(bound))} ${number(total)}`);
  }
  lines.push(`${metric.name}_bucket${withLe('+Inf')} ${number(series.count ?? 0)}`);
  lines.push(`${metric.name}_sum${braces(labels)} ${number(series.sum ?? 0)}`);
  lines.push(`${metric.name}_count${braces(labels)} ${number(series.count ?? 0)}`);
  return lines.join('\n');
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
