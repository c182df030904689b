import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { graphOf, graphOfDefinition, readDraft } from '../../web/src/studio/doc-edit.js';

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

describe('studio graph of a stored definition', () => {
  it('draws a stored definition exactly as the parsed text of it', () => {
    const fromText = graphOf(readDraft(YAML));
    expect(fromText).toEqual([
      { id: 'a', type: 'transform', needs: [], reads: [] },
      { id: 'b', type: 'agent', needs: ['a'], reads: ['a', 'c'] },
      { id: 'c', type: 'transform', needs: [], reads: ['a', 'b'] },
    ]);
    expect(graphOfDefinition(parse(YAML))).toEqual(fromText);
  });

});
