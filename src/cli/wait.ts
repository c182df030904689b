import { isTerminalRun } from '../dag/run-state.js';
import type { ApiClient, RunWire } from './api-client.js';

/** Waits for a run to end with `GET /runs/{id}?wait=60s` (contract weft-ops §2), asking again until it has. */
export async function waitForRunEnd(client: ApiClient, id: string): Promise<RunWire> {
  for (;;) {
    const run = await client.getRun(id, '60s');
    if (isTerminalRun(run.status)) return run;
  }
}
