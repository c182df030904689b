import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevSession, type DevSession } from '../support/dev-session.js';
import { ROOT } from '../support/processes.js';

/**
 * The README's walk-through, run as a reader would: its shell block, taken
 * from the README as it is, run with bash against `weft dev` (what `npm start`
 * runs). The one change is the address: the session listens on a free port,
 * not 8080. It must print a run that succeeded, as the README says it does.
 */
let dev: DevSession;
let cwd: string;

beforeAll(async () => {
  dev = await startDevSession('weft-readme-');
  // The block reads the key from .weft/admin-key, as in a checkout running `npm start`.
  cwd = mkdtempSync(join(tmpdir(), 'weft-readme-cwd-'));
  symlinkSync(dev.dataDir, join(cwd, '.weft'));
}, 180_000);

afterAll(async () => {
  await dev?.stop();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

/** The `sh` block under `## Walk-through`. */
function walkThrough(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Walk-through\n'));
  const block = /```sh\n([\s\S]*?)\n```/.exec(section);
  if (!block) throw new Error('the README has no sh block under "## Walk-through"');
  return block[1]!;
}

describe('the README walk-through', () => {
  it('runs verbatim with bash and prints the run it started, succeeded', async () => {
    const script = walkThrough().replaceAll('localhost:8080', `127.0.0.1:${dev.port}`);
    expect(script).toContain('curl'); // the block is the walk-through, not some other snippet
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) =>
      execFile('bash', ['-euo', 'pipefail', '-c', script], { cwd, timeout: 90_000 }, (err, out, errOut) => resolve({ stdout: out, stderr: errOut, code: err ? ((err as { code?: number }).code ?? null) : 0 })),
    );
    // Both streams on failure: curl's errors go to stderr, but where the walk-through got to is in stdout.
    expect(code, `exit ${code}\nstderr:\n${stderr}\nstdout:\n${stdout}`).toBe(0);
    // curl prints no newline of its own: the stored workflow, then `echo "$RUN"`, then the run, then the agent's run.
    const printed = /^(\{.*\})(run_\w+)\n(\{.*\})(\{.*\})$/.exec(stdout.trim());
    expect(printed, stdout).not.toBeNull();
    const [, saved, runId, last, agent] = printed!;
    expect(JSON.parse(saved!)).toMatchObject({ name: 'hello', version: 1 });
    const run = JSON.parse(last!);
    expect(run).toMatchObject({
      id: runId,
      workflow: 'hello',
      status: 'succeeded',
      output: { publish: { line: 'Durable workflows make agents boring, in a good way.', words: 9 } },
      nodes: { review: { status: 'succeeded', attempts: 2 } },
    });
    // The agent called `hello` as a tool (a child run) and answered after reading it.
    expect(JSON.parse(agent!)).toMatchObject({
      status: 'succeeded',
      nodes: {
        assistant: {
          status: 'succeeded',
          output: { text: 'Here is your line.', turns: 2, toolCalls: [{ tool: 'write_line', status: 'succeeded', output: { publish: { words: 9 } } }] },
        },
      },
    });
  });
});
