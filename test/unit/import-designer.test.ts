import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DesignerImportError, importDesigner } from '../../src/dag/import-designer.js';
import { validateDefinition } from '../../src/dag/validate.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'designer', 'release.json');
const doc = JSON.parse(readFileSync(FIXTURE, 'utf8'));

describe('workflow-designer import', () => {
  it('maps tasks, decisions, groups and connections to a valid definition', async () => {
    const { definition, notes } = importDesigner(doc, { provider: 'anthropic', model: 'claude-sonnet-4-5' });
    expect(definition).toMatchObject({ name: 'release-pipeline', defaults: { agent: { provider: 'anthropic', model: 'claude-sonnet-4-5' } } });
    const byId = Object.fromEntries(definition.nodes.map((n) => [n.id, n]));
    expect(Object.keys(byId)).toEqual(['analyze', 'plan', 'build_ui', 'build_api', 'both', 'review', 'review_route', 'deploy', 'fix']);
    expect(byId.analyze).toMatchObject({ type: 'agent', agent: { prompt: 'Analyze Requirements: Understand project', role: 'analyst' } });
    expect(byId.analyze!.needs).toBeUndefined();
    expect(byId.build_api).toMatchObject({ needs: ['plan'], agent: { prompt: 'Write the API' } });
    expect(byId.both).toMatchObject({ type: 'transform', needs: ['build_ui', 'build_api'] });
    expect(byId.review).toMatchObject({ type: 'agent', needs: ['both'], agent: { output: 'json' } });
    expect(byId.review_route).toMatchObject({ type: 'switch', needs: ['review'], value: 'nodes.review.output.json.choice', cases: { approved: ['deploy'], rejected: ['fix'] } });
    expect(notes.join('\n')).toMatch(/build-ui is build_ui/);
    expect((await validateDefinition(definition)).errors).toEqual([]);
  });

  it('refuses a document of another shape with a clear error', () => {
    expect(() => importDesigner({ name: 'x', nodes: [{ id: 'a', type: 'robot' }] }, { provider: 'offline' })).toThrow(DesignerImportError);
    expect(() => importDesigner({ name: 'x', nodes: [{ id: 'a', type: 'task' }], connections: [{ source_id: 'a', target_id: 'zz' }] }, { provider: 'offline' })).toThrow(/zz/);
  });

  it('weft import prints the definition as YAML', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'import', FIXTURE], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(0);
    const definition = parse(result.stdout);
    expect(definition).toMatchObject({ apiVersion: 'weft/v1', name: 'release-pipeline', defaults: { agent: { provider: 'offline' } } });
    expect(result.stderr).toMatch(/note: decision review/);
  });
});
