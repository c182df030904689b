import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, createHarness, type Harness } from '../support/harness.js';
import { waitFor } from '../support/processes.js';
import { weft, WEFT_BIN } from './weft-cli.js';

/**
 * `weft run --watch` in a real terminal (tmux, 120×40): the live tree redrawn in
 * place while an approval waits, then approved with `weft runs approve` from
 * another process, then the summary table and the exit code.
 */
let h: Harness;
let dir: string;
const session = `weft-watch-${process.pid}`;
const interrupted = `weft-watch-int-${process.pid}`;

const pane = (name = session) => execFileSync('tmux', ['capture-pane', '-p', '-t', name], { encoding: 'utf8' });
/** Polls the screen until `test` matches (bounded by waitFor's deadline). */
const screenWith = (test: RegExp, name = session) => waitFor(async () => (test.test(pane(name)) ? pane(name) : undefined), `the screen to show ${test}`, 30_000);

beforeAll(async () => {
  h = await createHarness();
  dir = mkdtempSync(join(tmpdir(), 'weft-tmux-'));
});
afterAll(async () => {
  for (const name of [session, interrupted]) {
    try {
      execFileSync('tmux', ['kill-session', '-t', name]);
    } catch {
      // already gone
    }
  }
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A run that waits on an approval until someone decides. */
function gatedFile(): string {
  const file = join(dir, 'gated.yaml');
  writeFileSync(
    file,
    `apiVersion: weft/v1
name: tmux-gated
nodes:
  - id: draft
    type: agent
    agent: { provider: offline, prompt: write, mock: { text: draft } }
  - id: gate
    type: approval
    needs: [draft]
  - id: publish
    type: transform
    needs: [gate]
    output: "{{ nodes.draft.output.text }} published"
`,
  );
  return file;
}

describe('weft run --watch in a terminal', () => {
  it('draws the live tree in place, waits on the approval, and ends with the summary and exit 0', async () => {
    const file = gatedFile();
    const command = `env -u NO_COLOR WEFT_URL=${h.url} WEFT_KEY=${ADMIN_KEY} ${process.execPath} ${WEFT_BIN} run ${file} --watch; echo "EXIT=$?"; sleep 60`;
    execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '40', command]);

    const waiting = await screenWith(/◆ gate\s+waiting/);
    const runId = /tmux-gated · run (\S+) · running/.exec(waiting)?.[1];
    expect(runId).toBeDefined();
    expect(waiting).toMatch(/\[#+\.+\] 1\/3/);
    expect(waiting).toMatch(/✔ draft\s+succeeded/);
    expect(waiting).toMatch(/○ publish\s+pending/);

    // Redrawn in place: after the second-by-second redraws, the tree is on screen once.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(pane().match(/tmux-gated · run/g)).toHaveLength(1);

    const approved = await weft(['runs', 'approve', runId!, 'gate'], h.url, ADMIN_KEY);
    expect(approved.code).toBe(0);

    const ended = await screenWith(/EXIT=\d/);
    expect(ended).toMatch(/tmux-gated · run \S+ · succeeded/);
    expect(ended).toMatch(/\[#+\] 3\/3/);
    expect(ended).toMatch(/NODE\s+STATUS\s+ATTEMPTS\s+DURATION\s+COST/);
    expect(ended).toMatch(/publish\s+succeeded\s+1/);
    expect(ended).toContain('EXIT=0');
    expect(ended.match(/tmux-gated · run/g)).toHaveLength(1);
    writeFileSync(join(dir, 'screen.txt'), ended);
    if (process.env.WEFT_CAPTURE_SCREEN) writeFileSync(process.env.WEFT_CAPTURE_SCREEN, ended);
  });

  it('on Ctrl-C asks whether to cancel the run or stop watching; [c] cancels it and exits 3', async () => {
    const command = `env -u NO_COLOR WEFT_URL=${h.url} WEFT_KEY=${ADMIN_KEY} ${process.execPath} ${WEFT_BIN} run ${gatedFile()} --watch; echo "EXIT=$?"; sleep 60`;
    execFileSync('tmux', ['new-session', '-d', '-s', interrupted, '-x', '120', '-y', '40', command]);
    const waiting = await screenWith(/◆ gate\s+waiting/, interrupted);
    const runId = /tmux-gated · run (\S+) · running/.exec(waiting)![1]!;
    execFileSync('tmux', ['send-keys', '-t', interrupted, 'C-c']);
    await screenWith(/\[c\] cancel run .*\[s\] stop watching/, interrupted);
    execFileSync('tmux', ['send-keys', '-t', interrupted, 'c']);
    const ended = await screenWith(/EXIT=\d/, interrupted);
    expect(ended).toContain('EXIT=3');
    expect((await h.finished(runId)).status).toBe('cancelled');
  });
});
