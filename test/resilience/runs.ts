import { isTerminalRun, type RunSnapshot } from '../../src/dag/run-state.js';
import type { LocalCluster } from '../support/local-cluster.js';

/** An offline agent node answering `text` after `delay`; its attempts time out fast, so a dead worker's are retried soon. */
export function agentRun(id: string, text: string, delay: string, needs: string[] = []): Record<string, unknown> {
  return {
    id,
    type: 'agent',
    ...(needs.length ? { needs } : {}),
    agent: { provider: 'offline', prompt: `prompt of ${id}`, mock: { text, delay } },
    timeout: '5s',
    retry: { maxAttempts: 5, initialInterval: '100ms' },
  };
}

/** Starts `count` runs of an ad-hoc definition, alternating between the two APIs, each with an idempotency key. */
export async function startRuns(cluster: LocalCluster, definition: unknown, count: number, label: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await cluster.api((i % 2) as 0 | 1, 'POST', '/api/v1/runs', { definition, idempotencyKey: `${label}-${i}-${Date.now()}` });
    if (res.status !== 202) throw new Error(`run ${label}-${i} did not start: ${res.status} ${JSON.stringify(res.body)}`);
    ids.push(res.body.id as string);
  }
  return ids;
}

/** A node's status as the API shows it (undefined while the API cannot answer). */
export async function nodeStatus(cluster: LocalCluster, id: string, node: string): Promise<string | undefined> {
  const res = await cluster.api(1, 'GET', `/api/v1/runs/${id}`);
  return res.status === 200 ? (res.body.nodes?.[node]?.status as string | undefined) : undefined;
}

/** Waits for every run to end (the API's ?wait=, run after run) and returns them as the API shows them. */
export async function allEnded(cluster: LocalCluster, ids: string[], timeoutMs: number): Promise<RunSnapshot[]> {
  const deadline = Date.now() + timeoutMs;
  const runs: RunSnapshot[] = [];
  for (const id of ids) {
    for (;;) {
      const res = await cluster.api(1, 'GET', `/api/v1/runs/${id}?wait=10s`);
      if (res.status === 200 && isTerminalRun(res.body.status)) {
        runs.push(res.body as RunSnapshot);
        break;
      }
      if (Date.now() > deadline) throw new Error(`run ${id} did not end in ${timeoutMs} ms: ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
      if (res.status !== 200) await new Promise((r) => setTimeout(r, 500));
    }
  }
  return runs;
}

/** Prints a fault's measured figures (docs/reliability.md quotes them). */
export function report(fault: string, figures: Record<string, number | string>): void {
  process.stdout.write(`[resilience] ${fault}: ${JSON.stringify(figures)}\n`);
}
