import type { Info } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import { expect, vi } from 'vitest';
import type { AttemptDeps } from '../../../src/activities/attempt.js';
import { createExecutionRecorder } from '../../../src/activities/recorder.js';
import { SecretStore } from '../../../src/activities/secrets.js';
import type { NewNodeExecution } from '../../../src/db/schema/node-executions.js';
import type { Logger } from '../../../src/logger.js';

/**
 * In-memory edges of the attempt envelope: the attempt rows the recorder writes,
 * the node cache, and a logger whose warnings the tests can read. Shared by the
 * activity unit tests, with the helpers below.
 */
export interface Fakes {
  rows: NewNodeExecution[];
  cache: Map<string, unknown>;
  logger: Logger & { warn: ReturnType<typeof vi.fn> };
  envelope: AttemptDeps;
}

/** A secret value every test file uses, long enough to be scrubbed. */
export const TOKEN = 'tok-SECRET-4242';

export function fakes(extra: Partial<AttemptDeps> = {}): Fakes {
  const rows: NewNodeExecution[] = [];
  const cache = new Map<string, unknown>();
  const logger = { warn: vi.fn(), info: vi.fn(), error: vi.fn(), debug: vi.fn() } as unknown as Fakes['logger'];
  const executions = {
    async recordAttempt(row: NewNodeExecution) {
      rows.push(row);
    },
  };
  const cacheRepo = {
    get: async (key: string) => cache.get(key),
    put: async (key: string, _nodeType: string, value: unknown) => {
      cache.set(key, structuredClone(value));
    },
  };
  return {
    rows,
    cache,
    logger,
    envelope: { recorder: createExecutionRecorder({ executions, logger }), secrets: SecretStore.fromEnv({ WEFT_SECRET_TOKEN: TOKEN }), logger, cache: cacheRepo, ...extra },
  };
}

/** A deferred template at `path` that reads `secrets.TOKEN`, as the workflow leaves it for the activity. */
export function tokenAt(path: (string | number)[], before = 'Bearer ') {
  return { path, parts: [{ text: before }, { secret: 'secrets.TOKEN' }] };
}

/** A mock activity context whose SDK logger keeps quiet about the failures the tests provoke. */
export function activityEnv(info: Partial<Info> = {}): MockActivityEnvironment {
  return new MockActivityEnvironment(info, { logger: new DefaultLogger('ERROR') });
}

/** Runs an activity function in `env`, typed (the SDK's `run` infers no result type). */
export function runIn<A extends unknown[], R>(env: MockActivityEnvironment, fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return env.run(fn, ...args) as Promise<R>;
}

/** The typed failure an attempt threw. */
export async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}
