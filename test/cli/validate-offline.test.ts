import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/processes.js';
import { weft } from './weft-cli.js';

/**
 * `weft validate` with no Weft running (a pre-commit hook, a CI job): the
 * pure validator with the plugins of WEFT_PLUGINS / WEFT_PLUGIN_DIR, and the
 * API's exit codes. Nothing listens on the discard port it is pointed at, so
 * any request to an API would fail with exit 5.
 */
const NO_WEFT = 'http://127.0.0.1:9';
const PLUGIN = join(ROOT, 'examples', 'plugins', 'echo-upper.mjs');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'weft-validate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
/** `weft validate …` with its own empty data dir (no plugins but the ones given). */
const validate = (args: string[], env: NodeJS.ProcessEnv = {}) => weft(['validate', ...args], NO_WEFT, '', { WEFT_DATA_DIR: join(dir, 'data'), ...env });

const withPluginAndReference = `apiVersion: weft/v1
name: offline-ok
nodes:
  - id: shout
    type: echo-upper.shout
    config:
      text: hi
  - id: child
    type: workflow
    workflow: elsewhere@2
    needs: [shout]
`;

describe('weft validate offline', { timeout: 120_000 }, () => {
  it('a valid file exits 0 with no Weft running, with the plugins of WEFT_PLUGINS, and notes the references it could not check', async () => {
    const path = file('ok.yaml', withPluginAndReference);
    const valid = await validate([path], { WEFT_PLUGINS: PLUGIN });
    expect(valid, valid.stderr).toMatchObject({ code: 0, stdout: `${path}: valid (2 nodes in 2 levels)\n` });
    expect(valid.stderr).toContain('note: workflow references not checked offline: elsewhere@2 (weft validate --remote checks them');
    const json = await validate([path, '--json'], { WEFT_PLUGINS: PLUGIN });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, plan: { nodes: [{ id: 'shout', type: 'echo-upper.shout' }, { id: 'child', type: 'workflow', needs: ['shout'] }] } });
  });

  it('loads the plugins of WEFT_PLUGIN_DIR too; without the plugin, its node type is unknown', async () => {
    const path = file('ok.yaml', withPluginAndReference);
    const plugins = join(dir, 'plugins');
    mkdirSync(plugins, { recursive: true });
    copyFileSync(PLUGIN, join(plugins, 'echo-upper.mjs'));
    expect((await validate([path], { WEFT_PLUGIN_DIR: plugins })).code).toBe(0);
    const without = await validate([path]);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/ok\.yaml:5 \/nodes\/0\/type: unknown node type echo-upper\.shout .*\(UNKNOWN_TYPE\)/);
  });

  it('an invalid file prints each code at its path and line and exits 2 (the validation exit code)', async () => {
    const path = file('bad.yaml', 'apiVersion: weft/v1\nname: offline-bad\nnodes:\n  - id: a\n    type: transform\n    needs: [missing]\n    output: x\n  - id: nap\n    type: sleep\n    duration: 99999999999d\n');
    const invalid = await validate([path]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/^VALIDATION_FAILED: the definition has 2 problem/);
    expect(invalid.stderr).toMatch(/bad\.yaml:6 \/nodes\/0\/needs\/0: .*\(UNKNOWN_NEED\)\n\s+6 \| {5}needs: \[missing\]/);
    expect(invalid.stderr).toMatch(/bad\.yaml:10 \/nodes\/1\/duration: must be at most 36500d \(100 years\) \(SCHEMA\)/);
    const json = await validate([path, '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, errors: expect.arrayContaining([{ code: 'UNKNOWN_NEED', path: '/nodes/0/needs/0', message: expect.any(String), line: { line: 6, text: '    needs: [missing]' } }]) });
    const unparsable = await validate([file('broken.yaml', 'nodes: [\n')]);
    expect(unparsable.code).toBe(2);
    expect(unparsable.stderr).toMatch(/^BAD_REQUEST: definition does not parse/);
  });

  it('--remote asks the API, as before: with none running, exit 5', async () => {
    const remote = await validate([file('ok.yaml', withPluginAndReference), '--remote']);
    expect(remote.code).toBe(5);
    expect(remote.stderr).toMatch(/^UNREACHABLE: cannot reach Weft/);
  });
});
