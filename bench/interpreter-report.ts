import { median, spread } from './report.js';
import type { Shape } from './shapes.js';

/** One side's figures for one shape in one repeat. */
export interface Measure {
  medianMs: number;
  runsPerSecond: number;
  eventsPerNode: number;
  /** CPU milliseconds per run, by process, while the runs/s figure was measured. */
  cpuPerRun: Record<string, number>;
}

export type Variant = 'weft' | 'hand';

/** A shape's figures in every repeat. */
export interface ShapeResult {
  shape: Shape;
  repeats: Record<Variant, Measure>[];
}


const total = (cpu: Record<string, number>) => Object.values(cpu).reduce((a, b) => a + b, 0);

/**
 * The interpreter table: per shape, each figure's median and range over the
 * repeats, ratios computed within each repeat (so both sides saw the same load),
 * and whether the median ratios meet the shape's targets.
 */
export function interpreterTable(results: ShapeResult[], processes: string[]): string {
  const head = [
    '| shape | p50 ms Weft | p50 ms hand-written | **p50 ratio** | runs/s Weft | runs/s hand-written | **runs/s ratio** | CPU ms/run Weft (' + processes.join(' + ') + ') | CPU ms/run hand-written | **CPU ratio** | events/node Weft / hand | targets met |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  const rows = results.map(({ shape, repeats }) => {
    const of = (v: Variant, f: (m: Measure) => number) => repeats.map((r) => f(r[v]));
    const ratio = (f: (m: Measure) => number) => repeats.map((r) => f(r.weft) / f(r.hand));
    const p50 = ratio((m) => m.medianMs);
    const rate = ratio((m) => m.runsPerSecond);
    const cpu = ratio((m) => total(m.cpuPerRun));
    const cpuCell = (v: Variant) => `${spread(of(v, (m) => total(m.cpuPerRun)), 1)} = ${processes.map((p) => median(of(v, (m) => m.cpuPerRun[p] ?? 0)).toFixed(1)).join(' + ')}`;
    const t = shape.targets;
    const met = [
      `p50 ≤ ${t.p50}: ${median(p50) <= t.p50 ? 'yes' : 'no'}`,
      `runs/s ≥ ${t.runsPerSecond}: ${median(rate) >= t.runsPerSecond ? 'yes' : 'no'}`,
      ...(t.cpu === undefined ? [] : [`CPU ≤ ${t.cpu}: ${median(cpu) <= t.cpu ? 'yes' : 'no'}`]),
    ].join('; ');
    return (
      `| ${shape.name} | ${spread(of('weft', (m) => m.medianMs), 0)} | ${spread(of('hand', (m) => m.medianMs), 0)} | **${spread(p50, 2)}** | ` +
      `${spread(of('weft', (m) => m.runsPerSecond), 2)} | ${spread(of('hand', (m) => m.runsPerSecond), 2)} | **${spread(rate, 2)}** | ` +
      `${cpuCell('weft')} | ${cpuCell('hand')} | **${spread(cpu, 2)}** | ${median(of('weft', (m) => m.eventsPerNode)).toFixed(2)} / ${median(of('hand', (m) => m.eventsPerNode)).toFixed(2)} | ${met} |`
    );
  });
  return [...head, ...rows].join('\n');
}
