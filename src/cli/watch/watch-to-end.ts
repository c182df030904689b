import type { ApiClient } from '../api-client.js';
import { exitCodeOfRun, type ExitCodeValue } from '../exit-codes.js';
import { waitForRunEnd } from '../wait.js';
import { askOnInterrupt } from './interrupt.js';
import { renderSummary } from './render.js';
import { RunWatcher } from './run-watcher.js';
import { stateOfRun } from './state.js';

/** Exit code when a person stops watching a run that goes on (128 + SIGINT, as shells report it). */
const DETACHED = 130;

/**
 * `run --watch`: shows the run live until it ends, then the summary table, and
 * answers the exit code of its outcome. Ctrl-C asks (on a terminal) whether to
 * cancel the run or only stop watching; elsewhere it stops watching.
 */
export async function watchToEnd(client: ApiClient, runId: string): Promise<ExitCodeValue | typeof DETACHED> {
  const out = process.stdout;
  const live = Boolean(out.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  const watcher = new RunWatcher(client, runId, { out, live, color: live });
  let asking = false;
  const onInterrupt = () => {
    if (asking) return;
    if (!live || !process.stdin.isTTY) return watcher.stop();
    asking = true;
    watcher.suspend();
    void askOnInterrupt(runId, process.stdin, out).then(async (choice) => {
      asking = false;
      if (choice === 'detach') return watcher.stop();
      if (choice === 'cancel') await client.runAction(runId, 'cancel').catch((err: unknown) => out.write(`${(err as Error).message}\n`));
      watcher.resume();
    });
  };
  process.on('SIGINT', onInterrupt);
  try {
    const watched = await watcher.run();
    if (!watched) {
      out.write(`stopped watching; run ${runId} goes on (weft runs get ${runId})\n`);
      return DETACHED;
    }
    // The stored record, not the stream's view, is what the summary states (and it waits out a stream that gave up early).
    const final = stateOfRun(await waitForRunEnd(client, runId));
    out.write(`\n${renderSummary(final, Date.now())}\n`);
    return exitCodeOfRun(final.status);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
