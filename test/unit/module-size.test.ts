import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const lines = (path: string) => readFileSync(join(import.meta.dirname, '..', '..', path), 'utf8').trimEnd().split('\n').length;

describe('module size', () => {
  it('keeps the interpreter shell thin: under 300 lines (what grows there belongs in a module of its own in src/workflows)', () => {
    expect(lines('src/workflows/run-workflow.ts')).toBeLessThan(300);
  });
});
