import { describe, expect, it } from 'vitest';
import { mermaidDiagram } from '../../src/dag/diagram.js';
import type { Definition } from '../../src/dag/schema.js';

describe('mermaid diagram', () => {
  it('draws nodes by type, needs as arrows, switch branches labelled, and escapes labels', () => {
    const definition = {
      apiVersion: 'weft/v1',
      name: 'd',
      nodes: [
        { id: 'route', type: 'switch', value: "input.size > 1 ? 'big' : 'small'", cases: { big: ['deep'] }, default: ['quick'] },
        { id: 'deep', type: 'agent', title: 'Deep "review"', agent: { provider: 'offline', prompt: 'p' } },
        { id: 'quick', type: 'transform', output: 1 },
        { id: 'gate', type: 'approval', needs: ['deep', 'quick'], trigger: 'one_succeeded', when: 'input.x > 2' },
      ],
    } as Definition;
    expect(mermaidDiagram(definition)).toBe(
      [
        'flowchart TD',
        '  route{"route · switch"}',
        '  deep["Deep #quot;review#quot;<br/>deep · agent"]',
        '  quick("quick · transform")',
        '  gate{{"gate · approval<br/>when input.x #gt; 2"}}',
        '  route -- "big" --> deep',
        '  route -- "default" --> quick',
        '  deep -. one_succeeded .-> gate',
        '  quick -. one_succeeded .-> gate',
        '',
      ].join('\n'),
    );
  });
});
