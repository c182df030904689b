import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, createHarness, type Harness, VIEWER_KEY } from '../support/harness.js';
import { weft } from './weft-cli.js';

/** Each command of weft-ops §10 as a child process against a real API and worker; `--json` matches the API; exit codes. */
let h: Harness;
let dir: string;
const run = (...args: string[]) => weft(args, h.url, ADMIN_KEY);

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

beforeAll(async () => {
  h = await createHarness();
  dir = mkdtempSync(join(tmpdir(), 'weft-cli-'));
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ok = `apiVersion: weft/v1
name: cli-ok
input:
  type: object
  required: [who]
nodes:
  - id: greet
    type: transform
    output: "hello {{ input.who }}"
`;

// Each command is a process that loads the CLI through tsx (about 2 s on a busy machine): generous limits.
describe('weft CLI against a real stack', { timeout: 180_000 }, () => {
  it('validates a file: valid exits 0; each error with its pointer and line exits 2', async () => {
    const valid = await run('validate', file('ok.yaml', ok));
    expect(valid).toMatchObject({ code: 0, stdout: expect.stringContaining('valid (1 nodes') });
    // Offline by default; --remote asks this Weft, which also checks workflow references against the store.
    expect(await run('validate', file('ok.yaml', ok), '--remote')).toMatchObject({ code: 0, stdout: expect.stringContaining('valid (1 nodes') });
    const ref = file('ref.yaml', 'apiVersion: weft/v1\nname: cli-ref\nnodes:\n  - id: c\n    type: workflow\n    workflow: never-stored\n');
    expect((await run('validate', ref)).code).toBe(0);
    const remoteRef = await run('validate', ref, '--remote');
    expect(remoteRef.code).toBe(2);
    expect(remoteRef.stderr).toMatch(/ref\.yaml:6 \/nodes\/0\/workflow: .*\(UNKNOWN_WORKFLOW\)/);
    const bad = file('bad.yaml', 'apiVersion: weft/v1\nname: cli-bad\nnodes:\n  - id: a\n    type: transform\n    needs: [missing]\n    output: x\n');
    const invalid = await run('validate', bad);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/^VALIDATION_FAILED: the definition has 1 problem/);
    expect(invalid.stderr).toMatch(/bad\.yaml:6 \/nodes\/0\/needs\/0: .*\n\s+6 \| {5}needs: \[missing\]/);
    expect(invalid.stderr).not.toMatch(/\n\s+at /);
    const json = await run('validate', bad, '--json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, errors: [{ path: '/nodes/0/needs/0', line: { line: 6 } }] });
  });

  it('runs a file with --watch to success (exit 0, summary table) and --json matches the API', async () => {
    const watched = await run('run', file('ok.yaml', ok), '--input', '{"who":"cli"}', '--watch');
    expect(watched.code).toBe(0);
    expect(watched.stdout).toMatch(/✔ greet\s+succeeded/);
    expect(watched.stdout).toMatch(/NODE\s+STATUS\s+ATTEMPTS\s+DURATION\s+COST\ngreet\s+succeeded\s+1/);
    const json = await run('run', 'cli-ok', '--input', '{"who":"json"}', '--watch', '--json');
    expect(json.code).toBe(0);
    const ended = JSON.parse(json.stdout);
    expect(ended).toMatchObject({ status: 'succeeded', output: { greet: 'hello json' } });
    expect((await h.api('GET', `/api/v1/runs/${ended.id}`)).body).toEqual(ended);
  });

  it('answers 2 for an input that fails the schema or is not JSON, and for a usage error', async () => {
    const invalidInput = await run('run', 'cli-ok', '--input', '{}');
    expect(invalidInput.code).toBe(2);
    expect(invalidInput.stderr).toMatch(/^INPUT_INVALID: /);
    expect((await run('run', 'cli-ok', '--input', '{nope')).code).toBe(2);
    expect((await run('runs', 'ls', '--status', 'bogus')).stderr).toMatch(/^USAGE: /);
  });

  it('exits 1 for a failed run, 3 for a cancelled one, 4 for a timed-out one (runs wait)', async () => {
    const failing = await h.startRun({ apiVersion: 'weft/v1', name: 'cli-fail', nodes: [{ id: 'a', type: 'agent', retry: { maxAttempts: 1 }, agent: { provider: 'offline', prompt: 'p', mock: { failAlways: true } } }] });
    const failed = await run('runs', 'wait', failing);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/: failed/);
    const slow = { apiVersion: 'weft/v1', name: 'cli-slow', nodes: [{ id: 'gate', type: 'approval' }] };
    const cancelling = await h.startRun(slow);
    expect((await run('runs', 'cancel', cancelling)).code).toBe(0);
    expect((await run('runs', 'wait', cancelling)).code).toBe(3);
    const timing = await h.startRun({ ...slow, limits: { timeout: '1s' } });
    expect((await run('runs', 'wait', timing, '--json')).code).toBe(4);
  });

  it('exits 5 when Weft is unreachable or refuses the key', async () => {
    const unreachable = await weft(['runs', 'ls'], 'http://127.0.0.1:9', ADMIN_KEY);
    expect(unreachable.code).toBe(5);
    expect(unreachable.stderr).toMatch(/^UNREACHABLE: cannot reach Weft at http:\/\/127\.0\.0\.1:9/);
    const refused = await weft(['runs', 'ls'], h.url, 'weft_not-a-key-at-all-000000000000');
    expect(refused).toMatchObject({ code: 5, stderr: expect.stringMatching(/^UNAUTHENTICATED: /) });
    expect((await weft(['keys', 'ls'], h.url, VIEWER_KEY)).code).toBe(5);
  });

  it('reads with --json exactly what the API answers', async () => {
    const paths: [string[], string][] = [
      [['workflows', 'ls'], '/api/v1/workflows'],
      [['workflows', 'show', 'cli-ok'], '/api/v1/workflows/cli-ok'],
      [['runs', 'ls', '--workflow', 'cli-ok', '--limit', '5'], '/api/v1/runs?workflow=cli-ok&limit=5'],
      [['schedules', 'ls'], '/api/v1/schedules'],
      [['plugins', 'ls'], '/api/v1/plugins'],
    ];
    // Schedules live in the Temporal namespace every test file shares: compare this file's own (cli-…), which no other file touches.
    const own = (body: { items?: { id?: string }[] }) => (path: string) => (path === '/api/v1/schedules' ? { ...body, items: body.items!.filter((s) => s.id!.startsWith('cli-')) } : body);
    for (const [args, path] of paths) {
      const out = await run(...args, '--json');
      expect(out.code, args.join(' ')).toBe(0);
      expect(own(JSON.parse(out.stdout))(path), args.join(' ')).toEqual(own((await h.api('GET', path)).body)(path));
    }
    const runs = JSON.parse((await run('runs', 'ls', '--workflow', 'cli-ok', '--json')).stdout).items;
    expect(JSON.parse((await run('runs', 'get', runs[0].id, '--json')).stdout)).toEqual((await h.api('GET', `/api/v1/runs/${runs[0].id}`)).body);
    const logs = JSON.parse((await run('runs', 'logs', runs[0].id, 'greet', '--json')).stdout);
    expect(logs).toEqual([(await h.api('GET', `/api/v1/runs/${runs[0].id}/nodes/greet`)).body]);
  });

  it('draws diagrams as Mermaid and ASCII, of stored workflows and of files', async () => {
    const mermaid = await run('diagram', 'cli-ok');
    expect(mermaid.stdout).toBe((await h.api('GET', '/api/v1/workflows/cli-ok/diagram')).body);
    expect((await run('diagram', file('ok.yaml', ok))).stdout).toBe(mermaid.stdout);
    expect((await run('diagram', 'cli-ok', '--format', 'ascii')).stdout).toBe(' 1  [greet] transform\n');
  });

  it('pushes workflows, approves, re-runs, pauses and resumes, manages schedules and keys', async () => {
    const pushed = JSON.parse((await run('workflows', 'push', file('ok.yaml', ok.replace('hello', 'hi')), '--json')).stdout);
    expect(pushed).toMatchObject({ name: 'cli-ok', version: 2 });

    const gated = await h.startRun({ apiVersion: 'weft/v1', name: 'cli-gate', nodes: [{ id: 'gate', type: 'approval' }, { id: 'after', type: 'transform', needs: ['gate'], output: 'x' }] });
    expect((await run('runs', 'pause', gated)).code).toBe(0);
    expect((await run('runs', 'resume', gated)).code).toBe(0);
    await expect.poll(async () => (await h.api('GET', `/api/v1/runs/${gated}`)).body.nodes.gate.status).toBe('waiting');
    const rejected = await run('runs', 'approve', gated, 'gate', '--reject', '--comment', 'no', '--json');
    expect(JSON.parse(rejected.stdout)).toMatchObject({ approved: false, comment: 'no' });
    expect((await run('runs', 'wait', gated)).code).toBe(1);
    const rerun = JSON.parse((await run('runs', 'rerun', gated, '--json')).stdout);
    expect(rerun).toMatchObject({ rerunOf: gated, status: 'running' });
    await run('runs', 'cancel', rerun.id);

    const created = await run('schedules', 'create', '--id', 'cli-every', '--workflow', 'cli-ok', '--every', '1h', '--input', '{"who":"s"}', '--paused', '--json');
    expect(JSON.parse(created.stdout)).toMatchObject({ id: 'cli-every', paused: true, spec: { every: '1h' } });
    expect(JSON.parse((await run('schedules', 'unpause', 'cli-every', '--json')).stdout)).toMatchObject({ paused: false });
    expect(JSON.parse((await run('schedules', 'pause', 'cli-every', '--json')).stdout)).toMatchObject({ paused: true });
    expect((await run('schedules', 'rm', 'cli-every')).code).toBe(0);

    const key = JSON.parse((await run('keys', 'create', '--name', 'ci', '--role', 'viewer', '--json')).stdout);
    expect(key.key).toMatch(/^weft_/);
    expect((await weft(['runs', 'ls'], h.url, key.key)).code).toBe(0);
    expect((await run('keys', 'revoke', key.id)).code).toBe(0);
    expect((await weft(['runs', 'ls'], h.url, key.key)).code).toBe(5);
  });
});
