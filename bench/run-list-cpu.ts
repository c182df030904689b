/**
 * `npx tsx bench/run-list-cpu.ts [--calls 1500 --repeats 3]`: the CPU the API
 * process spends in one page of `GET /runs?limit=50` at the database layer,
 * with the list's select run as `RunsRepo.list` runs it (`preparedSelect`: the
 * driver's rows keyed by field) against the same select run through Drizzle's
 * prepared query (its field-by-field row mapping), alternating, on a throwaway
 * PostgreSQL with 200 stored runs. Both answer the same rows (checked).
 */
import { isDeepStrictEqual } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/db/client.js';
import { preparedSelect } from '../src/db/raw-query.js';
import { createRepositories } from '../src/db/repositories.js';
import { LIST_FIELDS, listSelect } from '../src/db/runs-repo.js';
import { startThrowawayPostgres } from '../test/support/postgres-cluster.js';
import { spread } from './report.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '1500' }, repeats: { type: 'string', default: '3' } } });
const CALLS = Number(values.calls);

const postgres = await startThrowawayPostgres();
const dataDir = mkdtempSync(join(tmpdir(), 'weft-run-list-'));
const database = await openDatabase({ url: postgres.url, dataDir, migrate: true });
try {
  const repos = createRepositories(database.db);
  for (let i = 0; i < 200; i++) {
    await repos.runs.insert({ id: `run_${i}`, workflowName: 'wf', workflowVersion: 1, definition: null, input: {}, idempotencyKey: null, createdBy: null, trigger: { type: 'api', keyId: 'key' }, priority: 3, startedAt: new Date(Date.now() - i * 1000) });
  }
  const select = listSelect(database.db, { workflow: false, status: false, after: false });
  const ways = {
    'keyed by field (preparedSelect)': preparedSelect(database.db, select, LIST_FIELDS, 'bench_list_keyed'),
    "Drizzle's row mapping": (input: Record<string, unknown>) => select.prepare('bench_list_mapped').execute(input),
  };
  const [keyed, mapped] = await Promise.all(Object.values(ways).map((run) => run({ limit: 50 })));
  if (!isDeepStrictEqual(keyed, mapped)) throw new Error('the two ways answer different rows');
  const perCall: Record<string, number[]> = Object.fromEntries(Object.keys(ways).map((name) => [name, []]));
  for (let repeat = 0; repeat < Number(values.repeats); repeat++) {
    for (const [name, run] of Object.entries(ways)) {
      for (let i = 0; i < 50; i++) await run({ limit: 50 });
      const before = process.cpuUsage();
      for (let i = 0; i < CALLS; i++) await run({ limit: 50 });
      const used = process.cpuUsage(before);
      perCall[name]!.push((used.user + used.system) / CALLS);
    }
  }
  process.stdout.write(`| a page of 50 runs, read | CPU µs per call, median (range) of ${values.repeats} × ${CALLS} |\n| --- | ---: |\n`);
  for (const [name, samples] of Object.entries(perCall)) process.stdout.write(`| ${name} | ${spread(samples, 0)} |\n`);
} finally {
  await database.close();
  rmSync(dataDir, { recursive: true, force: true });
  postgres.stop();
}
