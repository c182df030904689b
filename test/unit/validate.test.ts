import { describe, expect, it } from 'vitest';
import { validateDefinition, type ValidationIssue } from '../../src/dag/validate.js';

const def = (nodes: unknown[], extra: Record<string, unknown> = {}) => ({ apiVersion: 'weft/v1', name: 'v', nodes, ...extra });
const t = (id: string, extra: Record<string, unknown> = {}) => ({ id, type: 'transform', output: id, ...extra });

async function issues(raw: unknown, options = {}): Promise<ValidationIssue[]> {
  const result = await validateDefinition(raw, options);
  return result.valid ? [] : result.errors;
}

const codes = async (raw: unknown, options = {}) => (await issues(raw, options)).map((i) => `${i.code} ${i.path}`);

describe('validation (contract section 2)', () => {
  it('accepts a valid definition and returns it typed', async () => {
    const result = await validateDefinition(def([t('a'), t('b', { needs: ['a'], output: '{{ nodes.a.output }}' })]));
    expect(result.valid).toBe(true);
  });

  it('SCHEMA: shape errors point at the field', async () => {
    expect(await codes({ apiVersion: 'weft/v2', name: 'Bad Name', nodes: [] })).toEqual(
      expect.arrayContaining(['SCHEMA /apiVersion', 'SCHEMA /name', 'SCHEMA /nodes']),
    );
    expect(await codes(def([t('a', { retry: { maxAttempts: 0 } }), { id: 'b', type: 'agent', agent: { provider: 'offline' } }, t('c', { neds: ['a'] })]))).toEqual(
      expect.arrayContaining(['SCHEMA /nodes/0/retry/maxAttempts', 'SCHEMA /nodes/1/agent/prompt', 'SCHEMA /nodes/2']),
    );
    expect(await codes(def([t('bad-id'), { id: 'x', type: 'agent', agent: { prompt: 'p' } }]))).toEqual(
      expect.arrayContaining(['SCHEMA /nodes/0/id', 'SCHEMA /nodes/1/agent/provider']),
    );
  });

  it('SCHEMA: a workflow version beyond 9 digits, in a node or a tool, before any store is asked (it once reached the database as a 32-bit integer: 500)', async () => {
    const asked: string[] = [];
    const workflowExists = async (name: string, version?: number) => (asked.push(`${name}@${version}`), true);
    const raw = def([{ id: 'w', type: 'workflow', workflow: 'x@7486079012' }], {
      tools: { t: { description: 'd', parameters: { type: 'object' }, workflow: 'y@14208304124342114000' } },
    });
    expect(await codes(raw, { workflowExists })).toEqual(expect.arrayContaining(['SCHEMA /nodes/0/workflow', 'SCHEMA /tools/t/workflow']));
    expect(asked).toEqual([]);
    expect(await codes(def([{ id: 'w', type: 'workflow', workflow: 'x@999999999' }]), { workflowExists })).toEqual([]);
  });

  it('SCHEMA: every duration is at most 36500d (100 years), at its field; a template is measured at run time', async () => {
    const over = def(
      [
        { id: 's', type: 'sleep', duration: '99999999999999999d' },
        t('r', { retry: { initialInterval: '9999999999999999s', maxInterval: '36501d' } }),
        t('c', { timeout: '876001h' }),
      ],
      { limits: { timeout: '99999999999999h' }, defaults: { timeout: '88651663261007161h' } },
    );
    const found = await issues(over);
    expect(found.map((i) => `${i.code} ${i.path}`).sort()).toEqual(
      ['SCHEMA /defaults/timeout', 'SCHEMA /limits/timeout', 'SCHEMA /nodes/0/duration', 'SCHEMA /nodes/1/retry/initialInterval', 'SCHEMA /nodes/1/retry/maxInterval', 'SCHEMA /nodes/2/timeout'].sort(),
    );
    for (const issue of found) expect(issue.message).toContain('at most 36500d (100 years)');
    const atMost = def([{ id: 's', type: 'sleep', duration: '36500d' }, t('r', { timeout: '876000h', retry: { maxInterval: '3153600000s' } })], { limits: { timeout: '36500d' } });
    expect(await codes(atMost)).toEqual([]);
    expect(await codes(def([t('a'), { id: 's', type: 'sleep', needs: ['a'], duration: '{{ nodes.a.output }}' }]))).toEqual([]);
  });

  it('agent provider may come from defaults.agent', async () => {
    expect(await codes(def([{ id: 'x', type: 'agent', agent: { prompt: 'p' } }], { defaults: { agent: { provider: 'offline' } } }))).toEqual([]);
  });

  it('DUPLICATE_ID, UNKNOWN_NEED, UNKNOWN_TYPE', async () => {
    expect(await codes(def([t('a'), t('a'), t('b', { needs: ['zz'] }), { id: 'c', type: 'telepathy' }]))).toEqual([
      'DUPLICATE_ID /nodes/1/id',
      'UNKNOWN_TYPE /nodes/3/type',
      'UNKNOWN_NEED /nodes/2/needs/0',
    ]);
  });

  it('CYCLE names the cycle once', async () => {
    const found = await issues(def([t('a', { needs: ['c'] }), t('b', { needs: ['a'] }), t('c', { needs: ['b'] }), t('d', { needs: ['d'] })]));
    expect(found.filter((i) => i.code === 'CYCLE').map((i) => i.message)).toEqual(['dependency cycle: a -> c -> b -> a', 'dependency cycle: d -> d']);
  });

  it('CYCLE through a switch branch (branches implicitly need the switch)', async () => {
    const found = await codes(def([{ id: 'sw', type: 'switch', needs: ['x'], value: "'a'", cases: { a: ['x'] } }, t('x')]));
    expect(found.some((c) => c.startsWith('CYCLE'))).toBe(true);
  });

  it('EXPRESSION_SYNTAX in bare expressions and templates', async () => {
    expect(await codes(def([t('a', { when: 'nodes.(' }), t('b', { output: { deep: ['{{ 1 + }}'] } }), t('c', { output: '{{ unterminated' })]))).toEqual([
      'EXPRESSION_SYNTAX /nodes/0/when',
      'EXPRESSION_SYNTAX /nodes/1/output/deep/0',
      'EXPRESSION_SYNTAX /nodes/2/output',
    ]);
  });

  it('UNKNOWN_REFERENCE: only ancestors may be read', async () => {
    const found = await codes(
      def([
        t('a'),
        t('b', { needs: ['a'], output: '{{ nodes.a.output }}' }),
        t('c', { needs: ['b'], output: '{{ nodes.a.output }}' }),
        t('d', { output: '{{ nodes.a.output }}' }),
        t('e', { needs: ['a'], when: 'nodes.b.status = "succeeded"' }),
        t('f', { output: '{{ nodes.ghost.output }}' }),
      ]),
    );
    expect(found).toEqual(['UNKNOWN_REFERENCE /nodes/3/output', 'UNKNOWN_REFERENCE /nodes/4/when', 'UNKNOWN_REFERENCE /nodes/5/output']);
  });

  it('outputs may read any top-level node', async () => {
    expect(await codes(def([t('a')], { outputs: { x: '{{ nodes.a.output }}', y: '{{ nodes.b.output }}' } }))).toEqual(['UNKNOWN_REFERENCE /outputs/y']);
  });

  it('map and loop scopes: inline nodes see the enclosing ancestors; loop bodies see their own ancestors; until sees the body', async () => {
    const found = await codes(
      def([
        t('src'),
        t('other'),
        { id: 'each', type: 'map', needs: ['src'], items: 'nodes.src.output', node: { type: 'transform', output: '{{ item }} {{ nodes.src.output }} {{ nodes.other.output }}' } },
        {
          id: 'refine',
          type: 'loop',
          needs: ['src'],
          maxIterations: 3,
          until: 'nodes.check.output = true and nodes.nothere.output',
          nodes: [t('draft', { output: '{{ nodes.src.output }}' }), t('check', { needs: ['draft'], output: '{{ nodes.draft.output }} {{ nodes.other.output }}' }), t('src')],
        },
      ]),
    );
    expect(found).toEqual([
      'UNKNOWN_REFERENCE /nodes/2/node/output',
      'DUPLICATE_ID /nodes/3/nodes/2/id',
      'UNKNOWN_REFERENCE /nodes/3/nodes/1/output',
      'UNKNOWN_REFERENCE /nodes/3/until',
    ]);
  });

  it('an inline map node has no id or needs', async () => {
    expect(await codes(def([{ id: 'm', type: 'map', items: '[1]', node: { id: 'x', type: 'transform', needs: [], output: 1 } }]))).toEqual([
      'SCHEMA /nodes/0/node/id',
      'SCHEMA /nodes/0/node/needs',
    ]);
  });

  it('LIMIT: maxIterations, maxParallel, nodes per scope', async () => {
    const many = Array.from({ length: 10_001 }, (_, i) => t(`n${i}`));
    expect(await codes(def(many))).toEqual(['LIMIT /nodes']);
    expect(
      await codes(def([{ id: 'l', type: 'loop', until: 'true', maxIterations: 1001, nodes: [t('x')] }, { id: 'm', type: 'map', items: '[]', maxParallel: 501, node: { type: 'transform', output: 1 } }], { limits: { maxParallel: 501 } })),
    ).toEqual(['LIMIT /limits/maxParallel', 'LIMIT /nodes/0/maxIterations', 'LIMIT /nodes/1/maxParallel']);
  });

  it('UNKNOWN_WORKFLOW asks the store for workflow and map references', async () => {
    const known = new Set(['child', 'child@2']);
    const workflowExists = (name: string, version?: number) => known.has(version === undefined ? name : `${name}@${version}`);
    expect(
      await codes(
        def([
          { id: 'a', type: 'workflow', workflow: 'child' },
          { id: 'b', type: 'workflow', workflow: 'child@3' },
          { id: 'c', type: 'map', items: '[]', workflow: 'ghost' },
        ]),
        { workflowExists },
      ),
    ).toEqual(['UNKNOWN_WORKFLOW /nodes/1/workflow', 'UNKNOWN_WORKFLOW /nodes/2/workflow']);
  });

  it('reports every problem of the conformance case at once', async () => {
    const found = await issues(
      def([
        t('a', { needs: ['c'] }),
        t('b', { needs: ['a'], output: '{{ nodes.d.output }}' }),
        t('c', { needs: ['b'] }),
        t('d'),
        t('d'),
        t('e', { needs: ['nope'] }),
        { id: 'f', type: 'telepathy' },
        t('g', { output: '{{ nodes.( }}' }),
      ]),
    );
    expect(new Set(found.map((i) => i.code))).toEqual(new Set(['CYCLE', 'UNKNOWN_REFERENCE', 'DUPLICATE_ID', 'UNKNOWN_NEED', 'UNKNOWN_TYPE', 'EXPRESSION_SYNTAX']));
  });

  it('validates a 10,000-node chain with references quickly (no quadratic ancestor sets)', async () => {
    const nodes = Array.from({ length: 10_000 }, (_, i) => t(`n${i}`, i === 0 ? {} : { needs: [`n${i - 1}`], output: `{{ nodes.n${i - 1}.output }}` }));
    expect((await validateDefinition(def(nodes))).valid).toBe(true);
  });

  it('plugin types are accepted when registered (test/unit/plugins covers configs)', async () => {
    const plugins = { has: (type: string) => type === 'slack.post', names: () => ['slack'], checkConfig: () => [] };
    expect(await codes(def([{ id: 'p', type: 'slack.post', config: { channel: '#x' } }]), { plugins })).toEqual([]);
    expect(await codes(def([{ id: 'p', type: 'slack.post', channel: '#x' }]), { plugins })).toEqual(['SCHEMA /nodes/0']);
    expect(await codes(def([{ id: 'p', type: 'slack.post' }]))).toEqual(['UNKNOWN_TYPE /nodes/0/type']);
  });
});
