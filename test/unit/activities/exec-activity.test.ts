import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecActivityInput } from '../../../src/activities/contract.js';
import { createExecActivity } from '../../../src/activities/exec/exec-activity.js';
import { activityEnv, failureOf, fakes, runIn, TOKEN, tokenAt, type Fakes } from './support.js';

/** runExec through the envelope, enabled, in a temporary workspace. */

let workspace: string;

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'weft-exec-unit-'));
});

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

const exec = (f: Fakes, enabled = true) => createExecActivity({ enabled, workspace, envAllow: [], maxOutputBytes: 4_096, envelope: f.envelope });
const sh = (script: string, extra: Partial<ExecActivityInput> = {}): ExecActivityInput => ({ nodeId: 'cmd', command: ['sh', '-c', script], ...extra });

describe('runExec', () => {
  it('passes the revealed secret in env and scrubs it from the output, recording {command, cwd, policy}', async () => {
    const f = fakes();
    const input = sh('echo "token=$TOKEN"; pwd', { cwd: 'sub', env: { TOKEN: '' }, deferred: [tokenAt(['env', 'TOKEN'], '')] });
    const result = await runIn(activityEnv(), exec(f), input);
    expect(result.output).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^token=\[secret\]\n.*\/sub\n$/), stderr: '' });
    expect(f.rows).toEqual([expect.objectContaining({ status: 'succeeded', detail: { command: input.command, cwd: expect.stringMatching(/\/sub$/), policy: 'default' } })]);
    expect(JSON.stringify(f.rows)).not.toContain(TOKEN);
  });

  it('a timeout longer than a Node timer holds (30 days) does not kill the command at once', async () => {
    const f = fakes();
    const result = await runIn(activityEnv({ startToCloseTimeoutMs: 30 * 86_400_000 }), exec(f), sh('sleep 0.3; echo done'));
    expect(result.output).toMatchObject({ exitCode: 0, stdout: 'done\n' });
  });

  it('fails a non-zero exit with the output in the record detail and stderr in the message', async () => {
    const f = fakes();
    const failure = await failureOf(activityEnv({ attempt: 2 }).run(exec(f), sh('echo out; echo "bad $TOKEN" >&2; exit 3', { env: { TOKEN: '' }, deferred: [tokenAt(['env', 'TOKEN'], '')] })));
    expect(failure).toMatchObject({ type: 'EXIT_NONZERO', nonRetryable: false, message: 'exit code 3: bad [secret]\n', details: [{ attempt: 2 }] });
    expect(f.rows).toEqual([
      expect.objectContaining({ attempt: 2, status: 'failed', error: { type: 'EXIT_NONZERO', message: 'exit code 3: bad [secret]\n' }, detail: expect.objectContaining({ policy: 'default', exitCode: 3, stdout: 'out\n', stderr: 'bad [secret]\n' }) }),
    ]);
  });

  it('refuses when disabled or when cwd leaves the workspace, without a record row', async () => {
    const f = fakes();
    expect(await failureOf(activityEnv().run(exec(f, false), sh('true')))).toMatchObject({ type: 'EXEC_DISABLED', nonRetryable: true, details: [{ attempt: 1 }] });
    expect(await failureOf(activityEnv().run(exec(f), sh('true', { cwd: '../..' })))).toMatchObject({ type: 'CWD_OUTSIDE_WORKSPACE', nonRetryable: true });
    expect(f.rows).toEqual([]);
  });

  it('kills a cancelled command, records it cancelled and throws CancelledFailure', async () => {
    const f = fakes();
    const env = activityEnv({ heartbeatTimeoutMs: 3_000, startToCloseTimeoutMs: 60_000 });
    const pending = env.run(exec(f), sh('sleep 30'));
    setTimeout(() => env.cancel(), 200);
    const started = Date.now();
    await expect(pending).rejects.toBeInstanceOf(CancelledFailure);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(f.rows).toEqual([expect.objectContaining({ status: 'cancelled' })]);
  });
});
