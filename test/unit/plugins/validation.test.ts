import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validateDefinition, type ValidationIssue } from '../../../src/dag/validate.js';
import { mermaidDiagram } from '../../../src/dag/diagram.js';
import type { Definition } from '../../../src/dag/schema.js';
import { PluginRegistry } from '../../../src/plugins/registry.js';
import { definePlugin, type Plugin } from '../../../src/plugins/types.js';

const EXAMPLE = resolve(import.meta.dirname, '../../../examples/plugins/echo-upper.mjs');

/** A plugin whose config is a zod schema, next to the example's JSON Schema. */
const zodPlugin = definePlugin({
  name: 'acme',
  version: '2.1.0',
  nodeTypes: {
    send: {
      description: 'Sends',
      config: z.strictObject({ to: z.email(), count: z.int().min(1).default(1), token: z.string().optional() }),
      run: () => null,
    },
  },
  hooks: { afterNode: () => {} },
});

/** The documented example (the loader test loads it by path) and the zod plugin. */
async function registry(): Promise<PluginRegistry> {
  const example = (await import(EXAMPLE)) as { default: Plugin };
  return PluginRegistry.from([
    { plugin: example.default, source: EXAMPLE },
    { plugin: zodPlugin, source: 'test' },
  ]);
}

const def = (nodes: unknown[]) => ({ apiVersion: 'weft/v1', name: 'p', nodes });

async function issues(raw: unknown, plugins: PluginRegistry): Promise<ValidationIssue[]> {
  const result = await validateDefinition(raw, { plugins });
  return result.valid ? [] : result.errors;
}

describe('plugin nodes in validation', () => {
  it('UNKNOWN_TYPE names the loaded plugins', async () => {
    const found = await issues(def([{ id: 'a', type: 'nope.thing' }]), await registry());
    expect(found).toEqual([{ code: 'UNKNOWN_TYPE', path: '/nodes/0/type', message: 'unknown node type nope.thing (loaded plugins: echo-upper, acme)' }]);
    const none = await validateDefinition(def([{ id: 'a', type: 'nope.thing' }]));
    expect(none.valid ? '' : none.errors[0]!.message).toContain('(loaded plugins: none)');
  });

  it('a bad config is SCHEMA at /nodes/i/config/..., for JSON Schema and zod configs', async () => {
    const plugins = await registry();
    const found = await issues(
      def([
        { id: 'ok', type: 'echo-upper.shout', config: { text: 'hi' } },
        { id: 'a', type: 'echo-upper.shout', config: { text: 5, extra: true } },
        { id: 'b', type: 'echo-upper.shout' },
        { id: 'c', type: 'acme.send', config: { to: 'not-an-email', count: 0 } },
        { id: 'd', type: 'acme.send', config: { to: 'a@b.co' }, retry: { maxAttempts: 3 }, cache: { ttl: '1m' }, timeout: '5s' },
        { id: 'e', type: 'acme.send', config: { to: 'a@b.co' }, surprise: 1 },
      ]),
      plugins,
    );
    expect(found.map((i) => `${i.code} ${i.path}`)).toEqual([
      'SCHEMA /nodes/1/config/extra',
      'SCHEMA /nodes/1/config/text',
      'SCHEMA /nodes/2/config',
      'SCHEMA /nodes/3/config/to',
      'SCHEMA /nodes/3/config/count',
      'SCHEMA /nodes/5',
    ]);
    expect(found[2]!.message).toContain("required property 'text'");
  });

  it('templates and secrets are accepted in config; a template is not held to the schema type until run time', async () => {
    const plugins = await registry();
    const nodes = [
      { id: 'src', type: 'transform', output: { n: 3 } },
      { id: 'a', type: 'echo-upper.shout', needs: ['src'], config: { text: 'x', times: '{{ nodes.src.output.n }}' } },
      { id: 'b', type: 'acme.send', needs: ['src'], config: { to: '{{ input.to }}', count: '{{ nodes.src.output.n }}', token: '{{ secrets.ACME_TOKEN }}' } },
    ];
    expect(await issues(def(nodes), plugins)).toEqual([]);
    expect(plugins.parseConfig('echo-upper.shout', { text: 'x', times: '{{ nodes.src.output.n }}' }).ok).toBe(false);
    // Templates are still checked as templates, and secrets only where activities resolve them.
    const bad = await issues(def([{ id: 'a', type: 'echo-upper.shout', config: { text: '{{ nodes.ghost.output }}' } }, { id: 't', type: 'transform', output: { config: '{{ secrets.X }}' } }]), plugins);
    expect(bad.map((i) => `${i.code} ${i.path}`)).toEqual(['UNKNOWN_REFERENCE /nodes/0/config/text', 'SCHEMA /nodes/1/output/config']);
  });

  it('plugin nodes inside map and loop bodies are validated too', async () => {
    const plugins = await registry();
    const found = await issues(
      def([
        { id: 'm', type: 'map', items: '[1,2]', node: { type: 'echo-upper.shout', config: { times: 2 } } },
        { id: 'l', type: 'loop', until: 'true', maxIterations: 2, nodes: [{ id: 'x', type: 'acme.send', config: { to: 1 } }, { id: 'y', type: 'ghost.send' }] },
      ]),
      plugins,
    );
    expect(found.map((i) => `${i.code} ${i.path}`)).toEqual(['SCHEMA /nodes/0/node/config', 'SCHEMA /nodes/1/nodes/0/config/to', 'UNKNOWN_TYPE /nodes/1/nodes/1/type']);
  });

  it('diagrams show plugin nodes with their type', () => {
    const diagram = mermaidDiagram(def([{ id: 'n', type: 'slack.post', config: { text: 'x' } }]) as unknown as Definition);
    expect(diagram).toContain('n>"n · slack.post"]');
  });
});

describe('plugin registry listing', () => {
  it('lists plugins with configSchema always as JSON Schema', async () => {
    const listing = (await registry()).list();
    expect(listing[0]).toMatchObject({ name: 'echo-upper', version: '1.0.0', hooks: ['onRunComplete'], nodeTypes: [{ type: 'echo-upper.shout', description: expect.any(String), configSchema: { type: 'object', required: ['text'] } }] });
    expect(listing[1]).toMatchObject({ name: 'acme', version: '2.1.0', hooks: ['afterNode'] });
    const zodSchema = listing[1]!.nodeTypes[0]!.configSchema;
    expect(zodSchema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { to: { type: 'string', format: 'email' }, count: { type: 'integer', minimum: 1, default: 1 } }, additionalProperties: false });
  });

  it('a zod config parses at run time (defaults applied)', async () => {
    expect((await registry()).parseConfig('acme.send', { to: 'a@b.co' })).toEqual({ ok: true, value: { to: 'a@b.co', count: 1 } });
  });
});
