import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, createHarness, type Harness } from '../support/harness.js';

/**
 * Schemathesis against the live API (real Temporal dev server and PostgreSQL)
 * with the admin key: generated requests for every operation of the OpenAPI
 * document; no answer may be a 5xx, and every answer must match its schema.
 * Runs when WEFT_SCHEMATHESIS names the `st` binary (`test/schemathesis/run.sh`
 * and CI set it; `npm test` leaves this file out otherwise, see vitest.config.ts).
 * Every phase, the stateful one included (sequences of calls: a workflow
 * stored then run, a schedule created then changed), with a worker polling so
 * the runs it starts really execute, and the rate limits lifted. The seed
 * changes per run, so each run explores new cases; it is printed, and
 * WEFT_SCHEMATHESIS_SEED=<seed> replays a run.
 */
const st = process.env.WEFT_SCHEMATHESIS;
const MAX_EXAMPLES = process.env.WEFT_SCHEMATHESIS_EXAMPLES ?? '40';
const SEED = process.env.WEFT_SCHEMATHESIS_SEED ?? String(Math.floor(Math.random() * 2 ** 31));

let h: Harness;
beforeAll(async () => {
  if (!st) throw new Error('set WEFT_SCHEMATHESIS to the `st` binary (test/schemathesis/run.sh does)');
  // Far above what the fuzzer sends, so it sees answers, not 429s.
  h = await createHarness({ rateLimits: { perKey: 1_000_000, perAddress: 1_000_000 } });
  console.log(`schemathesis seed ${SEED}, ${MAX_EXAMPLES} examples per operation (replay with WEFT_SCHEMATHESIS_SEED=${SEED})`);
});
afterAll(async () => {
  await h?.close();
});

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('schemathesis', () => {
  it('finds no 5xx and no response off its schema', { timeout: 1_800_000 }, async () => {
    const { code, output } = await run(st!, [
      'run',
      `${h.url}/api/v1/openapi.json`,
      '--url',
      `${h.url}/api/v1`,
      '--header',
      `Authorization: Bearer ${ADMIN_KEY}`,
      '--checks',
      'not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance',
      '--max-examples',
      MAX_EXAMPLES,
      '--workers',
      '1',
      '--phases',
      'examples,coverage,fuzzing,stateful',
      '--seed',
      SEED,
    ]);
    if (code !== 0) console.log(output);
    expect(code, `schemathesis found problems with seed ${SEED}: replay with WEFT_SCHEMATHESIS_SEED=${SEED} bash test/schemathesis/run.sh`).toBe(0);
  });
});
