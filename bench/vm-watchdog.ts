/**
 * `npx tsx bench/vm-watchdog.ts [--calls 5000]`: the CPU one call into a `vm`
 * context costs with and without a `timeout`, as the Temporal SDK calls into a
 * workflow's context with its deadlock timeout. For each guarded call Node
 * starts a watchdog thread and joins it (nodejs/node#47739). Decides which of
 * the SDK's calls Weft's worker makes guarded (patches/@temporalio+worker+1.24.0.patch).
 */
import { parseArgs } from 'node:util';
import vm from 'node:vm';
import { spread } from './report.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '5000' }, repeats: { type: 'string', default: '3' } } });
const CALLS = Number(values.calls);
const context = vm.createContext({}, { microtaskMode: 'afterEvaluate' });
const script = new vm.Script('globalThis.n = (globalThis.n ?? 0) + 1');
const perCall: Record<'unguarded' | 'guarded', number[]> = { unguarded: [], guarded: [] };
for (let repeat = 0; repeat < Number(values.repeats); repeat++) {
  for (const kind of ['unguarded', 'guarded'] as const) {
    const options = kind === 'guarded' ? { timeout: 5000 } : {};
    const before = process.cpuUsage();
    for (let i = 0; i < CALLS; i++) script.runInContext(context, options);
    const used = process.cpuUsage(before);
    perCall[kind].push((used.user + used.system) / CALLS);
  }
}
console.log(`| call into a vm context | CPU µs per call, median (range) of ${values.repeats} × ${CALLS} |`);
console.log('| --- | ---: |');
for (const kind of ['unguarded', 'guarded'] as const) console.log(`| ${kind === 'guarded' ? 'with `timeout: 5000` (the SDK\'s guard)' : 'without a timeout'} | ${spread(perCall[kind], 1)} |`);
