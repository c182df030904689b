import { describe, expect, it } from 'vitest';
import { canonicalJson, DefinitionParseError, parseDefinitionText } from '../../src/dag/parse.js';

describe('definition text', () => {
  it('reads YAML and JSON alike', () => {
    expect(parseDefinitionText('name: x\nnodes: [{id: a}]')).toEqual({ name: 'x', nodes: [{ id: 'a' }] });
    expect(parseDefinitionText('{"name": "x"}')).toEqual({ name: 'x' });
  });

  it('refuses duplicate keys and says where', () => {
    try {
      parseDefinitionText('name: x\nname: y\n');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DefinitionParseError);
      expect((err as DefinitionParseError).line).toBe(2);
    }
  });

  it('refuses alias bombs', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefghij'.split('').map((c, i) => `${c}: &${c} [${Array(10).fill(`*${'abcdefghij'[i]}`).join(', ')}]`)].join('\n');
    expect(() => parseDefinitionText(bomb)).toThrow(DefinitionParseError);
  });

  it('canonical JSON ignores key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 2 } })).toBe(canonicalJson({ a: { c: 2, d: [1, { y: 2, z: 1 }] }, b: 1 }));
  });
});
