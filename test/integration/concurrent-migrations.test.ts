import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/harness.js';
import { ROOT } from '../support/processes.js';

/** Runs `weft migrate` as its own process; resolves with its exit code and output. */
function migrate(databaseUrl: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'migrate'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('replicas starting together', () => {
  it('two processes migrating one fresh database at once both succeed, and each migration is applied once', async () => {
    const url = await createTestDatabase();
    const results = await Promise.all([migrate(url), migrate(url)]);
    for (const r of results) expect(r, r.output).toMatchObject({ code: 0 });

    const journal = JSON.parse(readFileSync(join(ROOT, 'drizzle', 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const applied = await sql<{ hash: string }[]>`select hash from drizzle.__drizzle_migrations`;
      expect(applied).toHaveLength(journal.entries.length);
      expect(new Set(applied.map((a) => a.hash)).size).toBe(applied.length);
    } finally {
      await sql.end();
    }
  });
});
