import type { Db } from '../src/db/client.js';
import { runs as runsTable } from '../src/db/schema/runs.js';

/** Writes `count` ended runs over 20 workflows, with costs, spread over 30 days: the list and analytics benchmarks' stored history. */
export async function storeEndedRuns(db: Db, count: number): Promise<void> {
  const now = Date.now();
  const statuses = ['succeeded', 'succeeded', 'succeeded', 'failed', 'cancelled'] as const;
  for (let start = 0; start < count; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - start) }, (_, k) => {
      const i = start + k;
      const startedAt = new Date(now - (i / count) * 30 * 86_400_000);
      return {
        id: `run_seed${String(i).padStart(8, '0')}`,
        workflowName: `bench-${i % 20}`,
        workflowVersion: 1,
        status: statuses[i % statuses.length]!,
        costUsd: (i % 7) * 0.01,
        input: {},
        startedAt,
        endedAt: new Date(startedAt.getTime() + 1000 + (i % 50) * 100),
      };
    });
    await db.insert(runsTable).values(rows);
  }
}
