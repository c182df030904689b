/**
 * `npx tsx bench/client-cpu.ts [--starts 300]`: the CPU a client process spends
 * per workflow start, through the SDK's grpc-js `Connection` and through its
 * native (Rust) `NativeConnection`, alternating, on the CLI's dev server. Starts
 * go 8 at a time, as the API starts runs under load, with a 10-node Weft
 * definition as the argument; nothing polls the task queue. Decides which
 * connection `weft api` starts runs with (src/runtime/services.ts).
 */
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { findTemporalCli, startTemporalDevServer } from '../src/runtime/temporal-dev-server.js';
import { installTemporalRuntime } from '../src/runtime/temporal-runtime.js';
import { freePort } from '../test/support/ports.js';
import { spread } from './report.js';
import { shapes } from './shapes.js';

const { values } = parseArgs({ options: { starts: { type: 'string', default: '300' }, repeats: { type: 'string', default: '3' } } });
const STARTS = Number(values.starts);
const BATCH = 8;

installTemporalRuntime('error');
const server = await startTemporalDevServer({ binary: findTemporalCli(process.env.TEMPORAL_CLI), port: await freePort(), headless: true });
const definition = shapes().find((s) => s.name.includes('diamond'))!.definition;
const perStart: Record<'grpc-js' | 'native', number[]> = { 'grpc-js': [], native: [] };
try {
  for (let repeat = 0; repeat < Number(values.repeats); repeat++) {
    for (const kind of ['grpc-js', 'native'] as const) {
      const connection = kind === 'native' ? await NativeConnection.connect({ address: server.address }) : await Connection.connect({ address: server.address });
      const client = new Client({ connection });
      const start = (id: string) => client.workflow.start('weftRun', { workflowId: `${kind}-${repeat}-${id}`, taskQueue: 'nobody-polls', args: [{ definition, input: {} }] });
      for (let i = 0; i < BATCH * 4; i++) await start(`warm-${i}`);
      const before = process.cpuUsage();
      for (let i = 0; i < STARTS; i += BATCH) await Promise.all(Array.from({ length: BATCH }, (_, j) => start(String(i + j))));
      const used = process.cpuUsage(before);
      perStart[kind].push((used.user + used.system) / 1000 / STARTS);
      await connection.close();
    }
  }
} finally {
  await server.stop();
}
console.log(`| client | CPU ms per start, median (range) of ${values.repeats} |`);
console.log('| --- | ---: |');
for (const kind of ['grpc-js', 'native'] as const) console.log(`| ${kind} | ${spread(perStart[kind], 2)} |`);
