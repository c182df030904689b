import { describe, expect, it } from 'vitest';
import { nodeSummary } from '../../../src/dag/node-summary.js';
import type { NodeSpec } from '../../../src/dag/schema.js';

const summary = (id: string, spec: Record<string, unknown>) => nodeSummary({ id, spec: { id, ...spec } as NodeSpec });

describe('node summaries in Temporal', () => {
  it('names the node, its type and what it calls', () => {
    expect(summary('draft', { type: 'agent', agent: { provider: 'anthropic', model: 'claude-sonnet-4', prompt: 'p' } })).toBe('draft · agent anthropic claude-sonnet-4');
    expect(summary('triage', { type: 'agent', agent: { tier: 'fast', prompt: 'p' } })).toBe('triage · agent fast');
    expect(summary('fetch', { type: 'http', request: { url: 'https://api.example.com/v1/items?q=1' } })).toBe('fetch · http api.example.com');
    expect(summary('notify', { type: 'slack.post', config: { text: 'x' } })).toBe('notify · slack.post');
    expect(summary('build', { type: 'exec', command: ['make'] })).toBe('build · exec');
  });

  it('never shows credentials or what a template resolves to', () => {
    expect(summary('f', { type: 'http', request: { url: 'https://user:hunter2@api.example.com/x' } })).toBe('f · http api.example.com');
    expect(summary('f', { type: 'http', request: { url: 'https://{{ secrets.HOST }}/x' } })).toBe('f · http');
    expect(summary('f', { type: 'http', request: { url: '{{ input.url }}' } })).toBe('f · http');
    expect(summary('a', { type: 'agent', agent: { model: '{{ input.model }}', prompt: 'p' } })).toBe('a · agent');
  });

  it('stays on one short line', () => {
    expect(summary('x'.repeat(200), { type: 'exec', command: ['true'] }).length).toBe(120);
  });
});
