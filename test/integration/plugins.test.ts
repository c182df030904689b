import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HookEvent } from '../../src/plugins/contract.js';
import { loadPlugins } from '../../src/plugins/loader.js';
import { createHarness, definition, type Harness } from '../support/harness.js';
import { ROOT } from '../support/processes.js';

/**
 * A plugin as a user writes it from docs/plugins.md alone (a plain `.mjs` file,
 * loaded by path), run end to end on the real worker: it validates, retries,
 * stamps its version on the record and receives its hooks; a broken plugin
 * stops start-up with a clear message (contract weft-ops §9).
 */
let dir: string;
let hookLog: string;
let h: Harness;

const PLUGIN = (log: string) => `
import { appendFileSync } from 'node:fs';

const record = (event) => appendFileSync(${JSON.stringify(log)}, JSON.stringify(event) + '\\n');

export default {
  name: 'flaky-notes',
  version: '0.3.0',
  nodeTypes: {
    note: {
      description: 'Writes a note; fails until the attempt it is told',
      config: {
        type: 'object',
        additionalProperties: false,
        required: ['text'],
        properties: { text: { type: 'string' }, succeedOn: { type: 'integer', minimum: 1 } },
      },
      async run(ctx, config) {
        if (ctx.attempt < (config.succeedOn ?? 1)) ctx.fail('NOTES_BUSY', 'busy, attempt ' + ctx.attempt);
        return { note: config.text.toUpperCase(), attempt: ctx.attempt, runId: ctx.runId, workflow: ctx.workflow };
      },
    },
  },
  hooks: {
    beforeNode: record,
    afterNode: record,
    onNodeError: record,
    onRunComplete: record,
    async onWarning() {
      throw new Error('this hook is broken, and that must not matter');
    },
  },
};
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'weft-plugins-'));
  hookLog = join(dir, 'hooks.jsonl');
  writeFileSync(join(dir, 'flaky-notes.mjs'), PLUGIN(hookLog));
  writeFileSync(join(dir, 'broken.mjs'), "throw new Error('cannot reach the notes service');\n");
  h = await createHarness({ plugins: await loadPlugins({ specifiers: [join(dir, 'flaky-notes.mjs')] }) });
});

afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const hookEvents = (): HookEvent[] =>
  readFileSync(hookLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as HookEvent);

const notes = (config: unknown) =>
  definition('notes', [
    { id: 'shape', type: 'transform', output: { text: 'hello {{ input.who }}' } },
    { id: 'note', type: 'flaky-notes.note', needs: ['shape'], retry: { maxAttempts: 3, initialInterval: '100ms' }, config },
  ]);

describe('a plugin written from the docs', () => {
  it('validates: a good config passes, a bad one is SCHEMA at its path, an unknown type names the loaded plugins', async () => {
    expect((await h.api('POST', '/api/v1/workflows/validate', notes({ text: '{{ nodes.shape.output.text }}' }))).status).toBe(200);
    const bad = await h.api('POST', '/api/v1/workflows/validate', notes({ text: 5 }));
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.errors).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'SCHEMA', path: '/nodes/1/config/text' })]));
    const unknown = await h.api('POST', '/api/v1/workflows/validate', definition('notes', [{ id: 'n', type: 'nope.note', config: {} }]));
    expect(unknown.body.error.details.errors).toEqual([expect.objectContaining({ code: 'UNKNOWN_TYPE', path: '/nodes/0/type', message: expect.stringContaining('flaky-notes') })]);
  });

  it('runs with the node retry policy, records its plugin version, and receives its hooks exactly as specified', async () => {
    const run = await h.run(notes({ text: '{{ nodes.shape.output.text }}', succeedOn: 3 }), { who: 'weft' });
    expect(run.status).toBe('succeeded');
    expect(run.nodes.note).toMatchObject({
      status: 'succeeded',
      attempts: 3,
      plugin: { name: 'flaky-notes', version: '0.3.0' },
      output: { note: 'HELLO WEFT', attempt: 3, runId: run.id, workflow: 'notes' },
    });
    const node = await h.api('GET', `/api/v1/runs/${run.id}/nodes/note`);
    expect(node.body.attempts.map((a: { status: string }) => a.status)).toEqual(['failed', 'failed', 'succeeded']);
    expect(node.body.attempts[0].error).toEqual({ type: 'NOTES_BUSY', message: 'busy, attempt 1' });
    await h.recordHistory('plugin-node', run.id);

    const events = hookEvents().filter((e) => e.runId === run.id);
    const kinds = events.map((e) => `${e.nodeId ?? 'run'}:${e.type}`).sort();
    expect(kinds).toEqual(['note:afterNode', 'note:beforeNode', 'note:onNodeError', 'note:onNodeError', 'run:onRunComplete', 'shape:afterNode', 'shape:beforeNode'].sort());
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    expect(events.filter((e) => e.type === 'onNodeError').map((e) => e.attempt)).toEqual([1, 2]);
    expect(events.every((e) => e.workflow === 'notes')).toBe(true);
    expect(events.find((e) => e.type === 'onRunComplete')?.run).toMatchObject({ id: run.id, status: 'succeeded' });
  });

  it("an agent loop's afterNode carries its output with the tool calls (a plugin node type as the tool)", async () => {
    const def = definition(
      'notes-agent',
      [
        {
          id: 'writer',
          type: 'agent',
          agent: { provider: 'offline', prompt: 'take a note', tools: ['note'], mock: { script: [{ toolCalls: [{ tool: 'note', args: { text: 'remember' } }] }, { text: 'noted' }] } },
        },
      ],
      { tools: { note: { description: 'Write a note', parameters: { type: 'object', properties: { text: { type: 'string' } } }, plugin: 'flaky-notes.note', config: { text: '{{ args.text }}' } } } },
    );
    const run = await h.run(def);
    expect(run.status).toBe('succeeded');
    const after = hookEvents().find((e) => e.runId === run.id && e.type === 'afterNode' && e.nodeId === 'writer');
    expect((after?.node as { output?: unknown } | undefined)?.output).toMatchObject({
      text: 'noted',
      turns: 2,
      toolCalls: [{ tool: 'note', args: { text: 'remember' }, status: 'succeeded', output: { note: 'REMEMBER' } }],
    });
  });

  it('a plugin that fails to load stops start-up, naming the plugin and the reason', async () => {
    await expect(loadPlugins({ specifiers: [join(dir, 'broken.mjs')] })).rejects.toThrow(/broken\.mjs.*cannot reach the notes service/s);
    const worker = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker'], {
      cwd: ROOT,
      env: { ...process.env, WEFT_PLUGINS: join(dir, 'broken.mjs'), WEFT_DATA_DIR: dir, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    worker.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => worker.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/broken\.mjs/);
    expect(stderr).toMatch(/cannot reach the notes service/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
