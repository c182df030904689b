import { describe, expect, it } from 'vitest';
import { workflow } from '../../src/dag/builder.js';
import { validateDefinition } from '../../src/dag/validate.js';

describe('definition builder', () => {
  it('builds a valid definition of every node type', async () => {
    const definition = workflow('built', { limits: { maxParallel: 4 }, defaults: { agent: { provider: 'offline' } } })
      .agent('plan', { prompt: 'plan {{ input.goal }}', output: 'json', mock: { json: { steps: ['a', 'b'] } } }, { retry: { maxAttempts: 2 } })
      .switch('route', "$count(nodes.plan.output.json.steps) > 1 ? 'many' : 'one'", { many: ['each'] }, { needs: ['plan'], default: ['single'] })
      .map('each', 'nodes.plan.output.json.steps', { node: { type: 'transform', output: 'step {{ item }}' } }, { maxParallel: 2 })
      .transform('single', 'one step')
      .approval('gate', { needs: ['each', 'single'], autoApprove: 'true' })
      .sleep('pause', { duration: '10ms' }, { needs: ['gate'] })
      .loop('refine', { until: 'iteration >= 2', maxIterations: 3 }, (body) => body.transform('draft', 'v{{ iteration }}'), { needs: ['pause'] })
      .http('notify', { url: 'https://example.com/hook', method: 'POST', body: { done: true } }, { needs: ['refine'], onFailure: 'skip' })
      .exec('script', ['echo', 'hi'], { needs: ['refine'], onFailure: 'continue' })
      .outputs({ steps: '{{ nodes.each.output }}' })
      .build();
    expect(definition).toMatchObject({ apiVersion: 'weft/v1', name: 'built', limits: { maxParallel: 4 } });
    expect(definition.nodes.map((n) => `${n.id}:${n.type}`)).toEqual([
      'plan:agent', 'route:switch', 'each:map', 'single:transform', 'gate:approval', 'pause:sleep', 'refine:loop', 'notify:http', 'script:exec',
    ]);
    const result = await validateDefinition(definition);
    expect(result.errors).toEqual([]);
  });

  it('only lets needs name nodes already added (a compile-time check)', () => {
    const builder = workflow('typed').transform('a', 1);
    // @ts-expect-error 'b' has not been added, so it is not a valid need
    builder.transform('c', 2, { needs: ['b'] });
    expect(builder.transform('d', 3, { needs: ['a'] }).build().nodes.map((n) => n.id)).toEqual(['a', 'c', 'd']);
  });
});
