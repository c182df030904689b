import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { ExportRepo } from '../../src/db/export-repo.js';
import { exportSource } from '../../src/exports/source-for-database.js';
import { parseCsvObjects } from '../support/csv-parse.js';

let dir: string;
let database: Database;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'weft-exports-pglite-'));
  database = await openDatabase({ dataDir: dir, migrate: true });
  await database.db.execute(sql`insert into runs (id, workflow_name, status, cost_usd, started_at, ended_at)
    select 'run_p' || g, 'pglite', 'succeeded', 0.5, now() - g * interval '1 minute', now() from generate_series(1, 2500) g`);
}, 120_000);

afterAll(async () => {
  await database?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('exports on PGlite (weft dev)', () => {
  it('read in the API thread, every page, from the one in-process database', async () => {
    const source = exportSource(database, undefined, new ExportRepo(database.db));
    expect('running' in source).toBe(false);
    let csv = 'id,workflow,version,status,degraded,costUsd,startedAt,endedAt,durationMs,trigger,createdBy,errorCode,errorMessage\r\n';
    await source.read({ dataset: 'runs', format: 'csv', filters: {} }, (chunk) => {
      csv += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
      return Promise.resolve(true);
    });
    const rows = parseCsvObjects(csv);
    expect(rows).toHaveLength(2500);
    expect(new Set(rows.map((r) => r.id)).size).toBe(2500);
    expect(rows[0]).toMatchObject({ workflow: 'pglite', status: 'succeeded', costUsd: '0.5' });
  });
});
