import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { csvText } from '../../src/exports/csv.js';
import { threadExports } from '../../src/exports/thread-exports.js';
import { weft } from '../cli/weft-cli.js';
import { parseCsv, parseCsvObjects } from '../support/csv-parse.js';
import { ADMIN_KEY, agentNode, createHarness, definition, OPERATOR_KEY, VIEWER_KEY, type Harness } from '../support/harness.js';
import { waitFor } from '../support/processes.js';

let h: Harness;
const FORMULA = '=HYPERLINK("http://evil.example/x","click, me")';

async function download(path: string, key = ADMIN_KEY): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(`${h.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

const ndjson = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  h = await createHarness();
  await h.run(definition('export-a', [agentNode('one', { text: 'x', costUsd: 0.02 }), agentNode('two', { text: 'y', costUsd: 0.03 }, { needs: ['one'] })]));
  await h.run(definition('export-b', [agentNode('bad', { failAlways: true, error: { message: FORMULA, nonRetryable: true } }, { retry: { maxAttempts: 1 } })]));
  for (let i = 0; i < 3; i++) await h.run(definition('export-a', [agentNode('one', { text: `line\n"${i}"`, costUsd: 0.01 })]));
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('exports (contract weft-ops §14)', () => {
  for (const dataset of ['runs', 'node-executions', 'costs', 'audit'] as const) {
    it(`${dataset}: the CSV, parsed back, equals the NDJSON, row for row`, async () => {
      const csv = await download(`/api/v1/export/${dataset}?format=csv`);
      const json = await download(`/api/v1/export/${dataset}?format=ndjson`);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csv.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="weft-${dataset}-.*\\.csv"$`));
      expect(json.headers.get('content-type')).toBe('application/x-ndjson');
      const rows = ndjson(json.text);
      expect(rows.length).toBeGreaterThan(0);
      const parsed = parseCsvObjects(csv.text);
      expect(parsed).toEqual(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, csvText(v)]))));
    });
  }

  it('runs: the export matches GET /runs, in keyset (start time, id) order', async () => {
    const rows = ndjson((await download('/api/v1/export/runs?format=ndjson')).text);
    const listed = (await h.api('GET', '/api/v1/runs?limit=100')).body.items as { id: string; status: string; workflow: string; costUsd: number }[];
    expect(rows.map((r) => r.id)).toEqual([...listed].reverse().map((r) => r.id));
    for (const run of listed) expect(rows.find((r) => r.id === run.id)).toMatchObject({ status: run.status, workflow: run.workflow, costUsd: run.costUsd });
  });

  it('filters: workflow and status', async () => {
    const rows = ndjson((await download('/api/v1/export/runs?format=ndjson&workflow=export-a&status=succeeded')).text);
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((r) => r.workflow))).toEqual(new Set(['export-a']));
    const costs = ndjson((await download('/api/v1/export/costs?format=ndjson&workflow=export-a')).text);
    expect(costs.reduce((sum, r) => sum + Number(r.costUsd), 0)).toBeCloseTo(0.08);
  });

  it('a formula-looking cell comes out prefixed with a quote', async () => {
    const csv = (await download('/api/v1/export/node-executions?format=csv&workflow=export-b')).text;
    const [header, row] = parseCsv(csv);
    expect(row![header!.indexOf('errorMessage')]).toBe(`'${FORMULA}`);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example/x"",""click, me"")"`);
  });

  it('roles: viewer exports runs, node executions and costs, not audit', async () => {
    for (const dataset of ['runs', 'node-executions', 'costs']) expect((await download(`/api/v1/export/${dataset}`, VIEWER_KEY)).status).toBe(200);
    const refused = await download('/api/v1/export/audit', VIEWER_KEY);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text).error.code).toBe('FORBIDDEN');
    expect((await download('/api/v1/export/audit', OPERATOR_KEY)).status).toBe(403);
  });

  it('weft export streams what the API exports; weft alerts reads and silences', async () => {
    const api = await download('/api/v1/export/runs?format=csv&workflow=export-a');
    const cli = await weft(['export', 'runs', '--workflow', 'export-a'], h.url, VIEWER_KEY);
    expect(cli.code).toBe(0);
    expect(parseCsv(cli.stdout)).toEqual(parseCsv(api.text));
    const refused = await weft(['export', 'audit'], h.url, VIEWER_KEY);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('FORBIDDEN');
    const silenced = await weft(['alerts', 'silence', '--workflow', 'export-a', '--for', '1h', '--comment', 'test', '--json'], h.url, OPERATOR_KEY);
    expect(silenced.code).toBe(0);
    const { id } = JSON.parse(silenced.stdout);
    expect((await weft(['alerts', 'ls', '--json'], h.url, VIEWER_KEY)).code).toBe(0);
    expect((await weft(['alerts', 'unsilence', id], h.url, OPERATOR_KEY)).stdout).toContain(`silence ${id} ended`);
  });

  it('one snapshot: rows written while the export streams are not in it', async () => {
    // Enough runs that the export takes several pages.
    await h.database.db.execute(
      (await import('drizzle-orm')).sql`insert into runs (id, workflow_name, status, cost_usd, started_at, ended_at)
        select 'run_bulk_' || lpad(g::text, 6, '0'), 'bulk', 'succeeded', 0.001, now() - interval '1 hour' + g * interval '1 ms', now() from generate_series(1, 30000) g`,
    );
    const res = await fetch(`${h.url}/api/v1/export/runs?format=ndjson`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const reader = res.body!.getReader();
    const first = await reader.read();
    // The stream has begun (its snapshot is taken); a run added now must not appear.
    await h.database.db.execute((await import('drizzle-orm')).sql`insert into runs (id, workflow_name, status, started_at) values ('run_zz_late', 'bulk', 'running', now() + interval '1 day')`);
    let text = new TextDecoder().decode(first.value);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const ids = ndjson(text).map((r) => r.id as string);
    expect(ids).toHaveLength(30_005);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain('run_zz_late');
  });

  it('a client gone mid-export ends its export thread', async () => {
    // About 30 MB of CSV: far more than the socket's buffers, so the export is still reading when the client goes.
    await h.database.db.execute(sql`insert into node_executions (run_id, node_id, attempt, status, started_at, ended_at)
      select 'run_bulk_' || lpad((1 + g / 100)::text, 6, '0'), 'node-' || (g % 100), 1, 'succeeded', now(), now() from generate_series(0, 299999) g`);
    expect(h.exports.running).toBe(0);
    const abort = new AbortController();
    const res = await fetch(`${h.url}/api/v1/export/node-executions?format=csv`, { headers: { authorization: `Bearer ${ADMIN_KEY}` }, signal: abort.signal });
    const reader = res.body!.getReader();
    let text = '';
    while (text.split('\n').length < 3) text += new TextDecoder().decode((await reader.read()).value);
    // A data row has arrived: the thread is reading, and waits on this client's back-pressure.
    expect(h.exports.running).toBe(1);
    abort.abort();
    await reader.cancel().catch(() => {});
    await waitFor(async () => (h.exports.running === 0 ? true : undefined), 'the export thread to end', 30_000);
  });

  it('an export thread that cannot read rejects with its code, and ends', async () => {
    const exports = threadExports('postgres://weft:none@127.0.0.1:1/none');
    await expect(exports.read({ dataset: 'runs', format: 'csv', filters: {} }, () => Promise.resolve(true))).rejects.toMatchObject({ code: 'EXPORT_THREAD_FAILED' });
    expect(exports.running).toBe(0);
  });
});
