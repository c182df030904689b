import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxAvailability } from '../../src/activities/exec/sandbox.js';
import { agentNode, createHarness, definition, type Harness } from '../support/harness.js';
import { waitFor } from '../support/processes.js';

/** exec nodes: refusal when disabled, argv and env, workspace confinement, caps, killing, the sandbox. */
let workspace: string;
let enabled: Harness;
let disabled: Harness;

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'weft-ws-'));
  process.env.WEFT_TEST_NOT_ALLOWED = 'worker-private-value';
  [enabled, disabled] = await Promise.all([
    createHarness({ workerEnv: { WEFT_EXEC: 'on', WEFT_EXEC_WORKSPACE: workspace, WEFT_EXEC_MAX_OUTPUT_BYTES: '2048', WEFT_SECRET_DEPLOY_TOKEN: 'deploy-SECRET-7788' } }),
    createHarness(),
  ]);
});

afterAll(async () => {
  await Promise.all([enabled?.close(), disabled?.close()]);
  rmSync(workspace, { recursive: true, force: true });
});

const exec = (id: string, command: string[], extra: Record<string, unknown> = {}) => ({ id, type: 'exec', command, retry: { maxAttempts: 1 }, ...extra });

/** Whether a process is gone (or a zombie waiting to be reaped, which runs nothing). */
function gone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.split(') ')[1]?.startsWith('Z') ?? true;
  } catch {
    return true;
  }
}

describe('exec node', () => {
  it('is refused with EXEC_DISABLED unless the worker enables it', async () => {
    const run = await disabled.run(definition('exec-off', [exec('cmd', ['echo', 'hi'], { retry: { maxAttempts: 3 } })]));
    expect(run.nodes.cmd).toMatchObject({ status: 'failed', attempts: 1, error: { type: 'EXEC_DISABLED' } });
  });

  it('runs argv without a shell, with the node env and stdin, and only allow-listed worker variables', async () => {
    const run = await enabled.run(
      definition('exec-env', [
        { id: 'who', type: 'transform', output: 'ada' },
        exec('cmd', ['sh', '-c', 'printf "%s|%s|" "$GREETING" "${WEFT_TEST_NOT_ALLOWED:-unset}"; cat'], { needs: ['who'], env: { GREETING: 'hi {{ nodes.who.output }}' }, stdin: 'from stdin' }),
        exec('literal', ['echo', '$HOME; rm -rf /']),
      ]),
    );
    expect(run.nodes.cmd!.output).toEqual({ exitCode: 0, stdout: 'hi ada|unset|from stdin', stderr: '' });
    // No shell: metacharacters are just an argument.
    expect(run.nodes.literal!.output).toMatchObject({ stdout: '$HOME; rm -rf /\n' });
    await enabled.recordHistory('exec-node', run.id);
  });

  it('passes secrets in env to the command and scrubs them from its output', async () => {
    const run = await enabled.run(definition('exec-secret', [exec('cmd', ['sh', '-c', 'printf "%s|" "$TOKEN" | wc -c; echo "token=$TOKEN"'], { env: { TOKEN: '{{ secrets.DEPLOY_TOKEN }}' } })]));
    expect(run.nodes.cmd!.output).toMatchObject({ exitCode: 0, stdout: '19\ntoken=[secret]\n' });
  });

  it('confines cwd to the workspace, symlinks included', async () => {
    symlinkSync('/etc', join(workspace, 'escape'));
    const run = await enabled.run(
      definition('exec-cwd', [
        exec('inside', ['pwd'], { cwd: 'jobs/1' }),
        exec('dotdot', ['pwd'], { cwd: '../..', onFailure: 'continue' }),
        exec('symlink', ['pwd'], { cwd: 'escape', onFailure: 'continue' }),
      ]),
    );
    expect(run.nodes.inside!.output).toMatchObject({ stdout: `${join(workspace, 'jobs', '1')}\n` });
    expect(run.nodes.dotdot).toMatchObject({ status: 'failed', error: { type: 'CWD_OUTSIDE_WORKSPACE' } });
    expect(run.nodes.symlink).toMatchObject({ status: 'failed', error: { type: 'CWD_OUTSIDE_WORKSPACE' } });
  });

  it('fails on a non-zero exit (retryable) and caps output', async () => {
    const run = await enabled.run(
      definition('exec-exit', [
        exec('bad', ['sh', '-c', 'echo broken >&2; exit 3'], { retry: { maxAttempts: 2, initialInterval: '10ms' }, onFailure: 'continue' }),
        exec('loud', ['sh', '-c', 'head -c 10000 /dev/zero | tr "\\0" a']),
      ]),
    );
    expect(run.nodes.bad).toMatchObject({ status: 'failed', attempts: 2, error: { type: 'EXIT_NONZERO', message: expect.stringContaining('broken') } });
    const stdout = (run.nodes.loud!.output as { stdout: string }).stdout;
    expect(stdout.startsWith('a'.repeat(2048))).toBe(true);
    expect(stdout).toContain('[output truncated at 2048 bytes]');
  });

  it('kills the whole process group when the attempt times out', async () => {
    const run = await enabled.run(definition('exec-timeout', [exec('hang', ['sh', '-c', 'sleep 60 & echo $! > timeout.pid; wait'], { timeout: '1s' })]));
    expect(run.nodes.hang).toMatchObject({ status: 'failed', error: { type: 'TIMEOUT' } });
    const pid = Number(readFileSync(join(workspace, 'timeout.pid'), 'utf8'));
    await waitFor(async () => (gone(pid) ? true : undefined), `background sleep ${pid} to die`, 10_000);
  });

  it('kills the whole process group when the run is cancelled', async () => {
    const id = await enabled.startRun(definition('exec-cancel', [exec('hang', ['sh', '-c', 'sleep 60 & echo $! > cancel.pid; wait'], { timeout: '2m' })]));
    const pidFile = join(workspace, 'cancel.pid');
    await waitFor(async () => (existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() ? true : undefined), 'the command to start');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(gone(pid)).toBe(false);
    expect((await enabled.api('POST', `/api/v1/runs/${id}/cancel`)).status).toBe(202);
    const run = await enabled.finished(id);
    expect(run.status).toBe('cancelled');
    await waitFor(async () => (gone(pid) ? true : undefined), `background sleep ${pid} to die`, 30_000);
  });

  it('policy sandbox runs under bubblewrap with no network and a read-only system, or is refused clearly', async () => {
    const script = 'cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d " " | sort | tr "\\n" ","; (echo x > /etc/weft-sandbox-probe) 2>/dev/null && echo rw || echo ro; echo ok > inside.txt && cat inside.txt';
    const run = await enabled.run(definition('exec-sandbox', [exec('boxed', ['sh', '-c', script], { policy: 'sandbox', onFailure: 'continue' }), agentNode('after', { text: 'x' })]));
    if (sandboxAvailability().available) {
      expect(run.nodes.boxed!.status).toBe('succeeded');
      // Only the loopback interface exists in the sandbox's own network namespace.
      expect((run.nodes.boxed!.output as { stdout: string }).stdout).toBe('lo,ro\nok\n');
      expect(existsSync('/etc/weft-sandbox-probe')).toBe(false);
    } else {
      expect(run.nodes.boxed).toMatchObject({ status: 'failed', attempts: 1, error: { type: 'SANDBOX_UNAVAILABLE', message: expect.stringContaining('bubblewrap') } });
    }
  });
});
