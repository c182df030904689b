import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { AppError } from '../errors.js';

const CHECK_DEADLINE_MS = 3_000;

/** `/health` (process alive) and `/ready` (Temporal and the database answer). */
export function healthRouter(deps: { pingDatabase: () => Promise<void>; client: Client; namespace: string }): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/ready', async (_req, res) => {
    const check = async (fn: () => Promise<unknown>) => {
      try {
        await withDeadline(fn(), CHECK_DEADLINE_MS);
        return 'ok';
      } catch (err) {
        return `down: ${(err as Error).message}`;
      }
    };
    const [database, temporal] = await Promise.all([
      check(deps.pingDatabase),
      check(() => deps.client.workflowService.describeNamespace({ namespace: deps.namespace })),
    ]);
    const checks = { database, temporal };
    if (database !== 'ok' || temporal !== 'ok') throw new AppError('UNAVAILABLE', 'a dependency is down', { checks });
    res.json({ status: 'ready', checks });
  });
  return router;
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms}ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
