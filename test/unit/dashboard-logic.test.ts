import { describe, expect, it } from 'vitest';
import { layoutGraph } from '../../web/src/run/layout.js';
import { lineDiff } from '../../web/src/workflows/line-diff.js';
import { initialText, kindOf, parseField } from '../../web/src/workflows/schema-form.js';

/** The dashboard's pure parts: the version diff, the start form's field rules, the graph layout. */
describe('lineDiff', () => {
  it('keeps common lines and marks what was removed and added, in order', () => {
    expect(lineDiff('a\nb\nc\nd', 'a\nc\nx\nd')).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'del', text: 'b' },
      { kind: 'same', text: 'c' },
      { kind: 'add', text: 'x' },
      { kind: 'same', text: 'd' },
    ]);
  });
  it('is all kept for equal texts', () => {
    expect(lineDiff('x\ny', 'x\ny').every((l) => l.kind === 'same')).toBe(true);
  });
});

describe('the start form fields', () => {
  it('edits each JSON Schema type with its own control, and arrays, objects and unions as JSON', () => {
    expect(kindOf({ type: 'string' })).toBe('string');
    expect(kindOf({ type: 'integer' })).toBe('integer');
    expect(kindOf({ enum: ['a', 'b'] })).toBe('enum');
    expect(kindOf({ type: 'array' })).toBe('json');
    expect(kindOf({ type: ['string', 'null'] })).toBe('json');
  });
  it('checks bounds, whole numbers, lengths, patterns and JSON, and leaves an empty field out', () => {
    expect(parseField('integer', '2.5', { type: 'integer' }).error).toBe('must be a whole number');
    expect(parseField('number', '9', { type: 'number', maximum: 5 }).error).toBe('must be at most 5');
    expect(parseField('string', 'A', { type: 'string', minLength: 2 }).error).toBe('must have at least 2 characters');
    expect(parseField('string', 'abc', { type: 'string', pattern: '^[0-9]+$' }).error).toBe('must match ^[0-9]+$');
    expect(parseField('json', '[1', { type: 'array' }).error).toBe('must be JSON');
    expect(parseField('enum', '"b"', { enum: ['a', 'b'] }).value).toBe('b');
    expect(parseField('integer', '3', { type: 'integer', minimum: 1 }).value).toBe(3);
    expect(parseField('string', '', { type: 'string' })).toEqual({});
    expect(initialText('integer', { type: 'integer', default: 2 })).toBe('2');
  });
});

describe('layoutGraph', () => {
  it('puts each level in its own column, left to right, and orders rows so a join sits between what it needs', () => {
    const nodes = [
      { id: 'a', type: 't', needs: [] },
      { id: 'b', type: 't', needs: [] },
      { id: 'y', type: 't', needs: ['b'] },
      { id: 'x', type: 't', needs: ['a'] },
    ];
    const positions = layoutGraph(nodes, [['a', 'b'], ['y', 'x']]);
    expect(positions.get('a')!.x).toBeLessThan(positions.get('x')!.x);
    // x needs a (row 0) and y needs b (row 1): the sweep puts x above y, so the edges do not cross.
    expect(positions.get('x')!.y).toBeLessThan(positions.get('y')!.y);
  });
});
