import { describe, expect, it } from 'vitest';
import { Ancestry } from '../../src/dag/ancestry.js';

/** A needs map that counts its lookups: the work an ancestry question costs. */
class CountingMap extends Map<string, string[]> {
  lookups = 0;
  override get(key: string): string[] | undefined {
    this.lookups++;
    return super.get(key);
  }
}

function chain(n: number): CountingMap {
  const needs = new CountingMap();
  for (let i = 0; i < n; i++) needs.set(`n${i}`, i === 0 ? [] : [`n${i - 1}`]);
  return needs;
}

describe('Ancestry', () => {
  it('answers direct and indirect ancestors, and not descendants, siblings or unknown ids', () => {
    const needs = new Map([
      ['a', []],
      ['b', ['a']],
      ['c', ['a']],
      ['d', ['b', 'c']],
      ['e', []],
    ]);
    const ancestry = new Ancestry(needs);
    expect(ancestry.has('d', 'b')).toBe(true);
    expect(ancestry.has('d', 'a')).toBe(true);
    expect(ancestry.has('a', 'd')).toBe(false);
    expect(ancestry.has('b', 'c')).toBe(false);
    expect(ancestry.has('d', 'e')).toBe(false);
    expect(ancestry.has('d', 'zz')).toBe(false);
    expect(ancestry.all('d')).toEqual(new Set(['a', 'b', 'c']));
    expect(ancestry.all('a')).toEqual(new Set());
  });

  it('closes sets over a cycle (the cycle is reported elsewhere) without looping', () => {
    const ancestry = new Ancestry(
      new Map([
        ['a', ['c']],
        ['b', ['a']],
        ['c', ['b']],
        ['d', ['c']],
      ]),
    );
    expect(ancestry.all('d')).toEqual(new Set(['a', 'b', 'c']));
    expect(ancestry.has('a', 'a')).toBe(true);
  });

  it('every node of a long chain asking about its first node costs graph lookups linear in the nodes, not quadratic', () => {
    // Walking the needs per question cost n²/2 lookups here (8 million at 4,000 nodes).
    const lookupsPerNode = (n: number) => {
      const needs = chain(n);
      const ancestry = new Ancestry(needs);
      for (let i = 2; i < n; i++) expect(ancestry.has(`n${i}`, 'n0')).toBe(true);
      expect(ancestry.has('n0', `n${n - 1}`)).toBe(false);
      return needs.lookups / n;
    };
    const small = lookupsPerNode(1_000);
    const large = lookupsPerNode(4_000);
    expect(large).toBeLessThan(10);
    expect(large / small).toBeLessThan(1.5);
  });
});
