import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PluginLoadError } from '../../../src/plugins/load-error.js';
import { loadPlugins, pluginSources } from '../../../src/plugins/loader.js';
import { rejection } from './support.js';

const EXAMPLE = resolve(import.meta.dirname, '../../../examples/plugins/echo-upper.mjs');
const plugin = (name: string) => `export default { name: '${name}', version: '1.0.0', nodeTypes: { go: { description: 'd', config: {}, run: () => '${name}' } } };\n`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'weft-plugins-'));
  // `.js` files here are ES modules, as in a plugin project.
  writeFileSync(join(dir, 'package.json'), '{"type": "module"}');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function loadError(promise: Promise<unknown>): Promise<PluginLoadError> {
  const err = await rejection(promise);
  expect(err).toBeInstanceOf(PluginLoadError);
  return err as PluginLoadError;
}

describe('plugin loader', () => {
  it('loads a plugin by file path (the documented example)', async () => {
    const registry = await loadPlugins({ specifiers: [EXAMPLE] });
    expect(registry.names()).toEqual(['echo-upper']);
    expect(registry.has('echo-upper.shout')).toBe(true);
    expect(registry.hookNames()).toEqual(['onRunComplete']);
  });

  it('scans a directory: .js, .mjs and .ts files and package folders; other files are ignored; a missing dir is none', async () => {
    writeFileSync(join(dir, 'a.js'), plugin('a-js'));
    writeFileSync(join(dir, 'b.mjs'), plugin('b-mjs'));
    writeFileSync(join(dir, 'c.ts'), `const name: string = 'c-ts';\nexport default { name, version: '1.0.0', hooks: { onWarning: (): void => {} } };\n`);
    writeFileSync(join(dir, 'types.d.ts'), 'export {};\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a plugin');
    mkdirSync(join(dir, 'd-pkg', 'lib'), { recursive: true });
    writeFileSync(join(dir, 'd-pkg', 'package.json'), JSON.stringify({ name: 'd-pkg', type: 'module', exports: { '.': { import: './lib/main.js' } } }));
    writeFileSync(join(dir, 'd-pkg', 'lib', 'main.js'), plugin('d-pkg'));
    const registry = await loadPlugins({ specifiers: [], dir });
    expect(registry.names()).toEqual(['a-js', 'b-mjs', 'c-ts', 'd-pkg']);
    expect(registry.hookNames()).toEqual(['onWarning']);
    expect((await loadPlugins({ specifiers: [], dir: join(dir, 'missing') })).names()).toEqual([]);
  });

  it('loads shipped plugins by name', async () => {
    const registry = await loadPlugins({ specifiers: ['slack', 'github'] });
    expect(registry.names()).toEqual(['slack', 'github']);
    expect(['slack.post', 'github.issue', 'github.comment'].every((t) => registry.has(t))).toBe(true);
  });

  it('defaults WEFT_PLUGIN_DIR to <WEFT_DATA_DIR>/plugins', () => {
    expect(pluginSources({ WEFT_PLUGINS: ['slack'], WEFT_PLUGIN_DIR: undefined, WEFT_DATA_DIR: '/data' })).toEqual({ specifiers: ['slack'], dir: '/data/plugins' });
  });

  it('two plugins with one name: an error naming both', async () => {
    writeFileSync(join(dir, 'one.mjs'), plugin('twin'));
    writeFileSync(join(dir, 'two.mjs'), plugin('twin'));
    const err = await loadError(loadPlugins({ specifiers: [], dir }));
    expect(err.message).toContain(join(dir, 'one.mjs'));
    expect(err.message).toContain(join(dir, 'two.mjs'));
    expect(err.message).toContain('both named twin');
  });

  it('a module that throws on import: an error naming it and the reason', async () => {
    const path = join(dir, 'broken.mjs');
    writeFileSync(path, `throw new Error('no database for you');\n`);
    const err = await loadError(loadPlugins({ specifiers: [path] }));
    expect(err.message).toContain(path);
    expect(err.message).toContain('no database for you');
  });

  it('a bad shape: an error naming the plugin and the field', async () => {
    const path = join(dir, 'bad.mjs');
    writeFileSync(path, `export default { name: 'bad', version: '1', nodeTypes: { go: { description: 'd', config: {}, run: 'not a function' } } };\n`);
    const err = await loadError(loadPlugins({ specifiers: [path] }));
    expect(err.message).toContain(`${path} (bad)`);
    expect(err.message).toContain('nodeTypes.go.run: must be a function');

    // Modules are cached by path: each case gets its own file.
    const shape = async (file: string, text: string) => {
      writeFileSync(join(dir, file), text);
      return (await loadError(loadPlugins({ specifiers: [join(dir, file)] }))).message;
    };
    expect(await shape('name.mjs', `export default { name: 'Bad Name', version: '1' };\n`)).toContain('name: must match');
    expect(await shape('hooks.mjs', `export default { name: 'x', version: '1', hooks: { onEverything() {} } };\n`)).toMatch(/hooks: Unrecognized key.*onEverything/);
    expect(await shape('nodefault.mjs', `export const plugin = {};\n`)).toContain('has no default export');
  });

  it('an unusable config schema: an error naming the node type', async () => {
    const path = join(dir, 'schema.mjs');
    writeFileSync(path, `export default { name: 'schema', version: '1', nodeTypes: { go: { description: 'd', config: { type: 'nonsense' }, run() {} } } };\n`);
    const err = await loadError(loadPlugins({ specifiers: [path] }));
    expect(err.message).toContain('plugin schema');
    expect(err.message).toContain('nodeTypes.go.config is not a valid JSON Schema');
  });

  it('a missing shipped plugin setting stops loading with its name', async () => {
    delete process.env.WEFT_WEBHOOK_URLS;
    const err = await loadError(loadPlugins({ specifiers: ['webhook'] }));
    expect(err.message).toContain('plugin webhook failed to load: WEFT_WEBHOOK_URLS is not set');
  });
});
