import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, inject, it } from 'vitest';
import { escapeBeyondLatin1 } from '../../../src/worker/latin1-bundle.js';

describe('escapeBeyondLatin1', () => {
  it.each([
    ['plain ASCII', 'a → b', 'a \\u2192 b'],
    ['Latin-1 kept as it is', 'café · 3×', 'café · 3×'],
    ['an ellipsis in a string', '"cut…"', '"cut\\u2026"'],
    ['beyond the BMP: both surrogates', '😀', '\\ud83d\\ude00'],
  ])('%s', (_, source, expected) => {
    expect(escapeBeyondLatin1(source)).toBe(expected);
  });

  it.each([
    ['a string', '"cut…"'],
    ['a regular expression', '/λ+/.exec("xλλ")[0]'],
    ['a template', '`${1}—${2}`'],
    ['an identifier', '(() => { const λ = 2; return λ * 3; })()'],
    ['a character beyond the BMP in a unicode regular expression', '/^.$/u.test("😀")'],
  ])('means in JavaScript what the source did: %s', (_, source) => {
    expect(runInNewContext(escapeBeyondLatin1(source))).toEqual(runInNewContext(source));
  });
});

describe('the workflow bundle', () => {
  it('is Latin-1 throughout, so V8 holds it at one byte a character', () => {
    // The bundle the suite's workers run, built with workflowBundleOptions() (test/support/global-setup.ts).
    const code = readFileSync(inject('workflowBundlePath'), 'utf8');
    expect(code.length).toBeGreaterThan(100_000);
    expect(code.match(/[\u0100-\uffff]/g) ?? []).toEqual([]);
    // Escaped, not dropped: the summary's ellipsis in src/dag/node-summary.ts.
    expect(code).toContain('\\u2026');
  });
});
