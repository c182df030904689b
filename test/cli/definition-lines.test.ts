import { describe, expect, it } from 'vitest';
import { asciiDiagram } from '../../src/cli/ascii-diagram.js';
import { describeWarnings } from '../../src/cli/definition-file.js';
import { lineOfPointer } from '../../src/cli/yaml-lines.js';

const yaml = `apiVersion: weft/v1
name: demo
nodes:
  - id: fetch
    type: http
  - id: summarize
    type: agent
    agent:
      provider: offline
`;

describe('lineOfPointer', () => {
  it('finds the line of a field, of a sequence item, and of the parent of a missing field', () => {
    expect(lineOfPointer(yaml, '/nodes/1/agent/provider')).toEqual({ line: 9, text: '      provider: offline' });
    expect(lineOfPointer(yaml, '/nodes/1')).toEqual({ line: 6, text: '  - id: summarize' });
    expect(lineOfPointer(yaml, '/nodes/1/agent/prompt')).toEqual({ line: 8, text: '    agent:' });
    expect(lineOfPointer(yaml, '/nodes/0/http/url')?.line).toBe(4);
    expect(lineOfPointer(yaml, '')?.line).toBe(1);
  });

  it('reads JSON text too', () => {
    expect(lineOfPointer('{\n  "name": "x",\n  "nodes": []\n}', '/nodes')).toEqual({ line: 3, text: '  "nodes": []' });
  });
});

describe('describeWarnings', () => {
  const file = { path: 'demo.yaml', text: yaml, type: 'application/yaml' as const };

  it('prints each warning of an answer with its code, path and line; an answer without warnings prints none', () => {
    const answer = { valid: true, warnings: [{ code: 'UNUSED_OUTPUT', path: '/nodes/0', message: 'nothing reads its output' }] };
    expect(describeWarnings(file, answer)).toEqual(['warning UNUSED_OUTPUT demo.yaml:4 /nodes/0: nothing reads its output\n       4 |   - id: fetch']);
    expect(describeWarnings(file, { valid: true })).toEqual([]);
    expect(describeWarnings(file, null)).toEqual([]);
  });
});

describe('asciiDiagram', () => {
  it('draws the plan level by level with what each node needs', () => {
    const plan = {
      nodes: [
        { id: 'a', type: 'http', needs: [], trigger: 'none_failed' },
        { id: 'b', type: 'agent', needs: ['a'], trigger: 'none_failed' },
        { id: 'c', type: 'agent', needs: ['a'], trigger: 'none_failed' },
        { id: 'd', type: 'transform', needs: ['b', 'c'], trigger: 'all_done' },
      ],
      levels: [['a'], ['b', 'c'], ['d']],
      sinks: ['d'],
      maxParallel: 16,
    };
    expect(asciiDiagram(plan)).toBe(
      [' 1  [a] http', '    |', ' 2  [b] agent      <- a', '    [c] agent      <- a', '    |', ' 3  [d] transform  <- b, c (all_done)'].join('\n'),
    );
  });
});
