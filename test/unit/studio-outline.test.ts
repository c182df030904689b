import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { graphOfDefinition, outlineOf } from '../../web/src/studio/outline.js';

const YAML = `apiVersion: weft/v1
name: outline
nodes:
  - id: a
    type: transform
    output: {x: 1}
  - id: b
    type: agent
    needs: [a]
    prompt: "Use {{ nodes.a.output.x }} and {{nodes.c.output}}"
  - id: c
    type: transform
    when: nodes.a.output.x > 0 && nodes.c.output == null
    output: [ "{{ input.q }}", { deep: "{{ nodes.b.output }}" } ]
`;

describe('studio outline', () => {
  it('draws a stored definition exactly as the parsed text of it', () => {
    const fromText = outlineOf(YAML).graph;
    expect(fromText).toEqual([
      { id: 'a', type: 'transform', needs: [], reads: [] },
      { id: 'b', type: 'agent', needs: ['a'], reads: ['a', 'c'] },
      { id: 'c', type: 'transform', needs: [], reads: ['a', 'b'] },
    ]);
    expect(graphOfDefinition(parse(YAML))).toEqual(fromText);
  });

  it('answers syntax errors at their range and no graph for a text that does not parse', () => {
    const outline = outlineOf('nodes:\n  - id: a\n    type: [transform\n');
    expect(outline.graph).toBeNull();
    expect(outline.errors.length).toBeGreaterThan(0);
    expect(outline.errors[0]!.to).toBeGreaterThan(outline.errors[0]!.from);
  });
});
