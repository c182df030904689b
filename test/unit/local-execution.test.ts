import { describe, expect, it } from 'vitest';
import { worstCaseScheduleMs } from '../../src/dag/local-execution.js';
import { DEFAULT_RETRY } from '../../src/dag/plan.js';
import { validateDefinition } from '../../src/dag/validate.js';

const def = (nodes: unknown[], extra: Record<string, unknown> = {}) => ({ apiVersion: 'weft/v1', name: 'v', nodes, ...extra });
const http = (extra: Record<string, unknown> = {}) => ({ id: 'h', type: 'http', request: { url: 'https://example.com' }, execution: 'local', timeout: '10s', ...extra });
const inline = (extra: Record<string, unknown> = {}) => ({ type: 'http', request: { url: 'https://example.com' }, execution: 'local', timeout: '10s', ...extra });
const agent = (agentFields: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  id: 'a',
  type: 'agent',
  execution: 'local',
  timeout: '30s',
  agent: { provider: 'offline', prompt: 'p', ...agentFields },
  ...extra,
});

async function codes(raw: unknown): Promise<string[]> {
  const result = await validateDefinition(raw);
  return result.valid ? [] : result.errors.map((i) => `${i.code} ${i.path}`);
}

describe('execution: local (validation)', () => {
  it.each([
    ['an http node with a short timeout', def([http()]), []],
    ['an offline agent node', def([agent()]), []],
    ['exec, sandboxed or not (the same envelope runs it)', def([{ id: 'e', type: 'exec', command: ['true'], policy: 'sandbox', execution: 'local', timeout: '5s' }]), []],
    ['execution: activity, whatever the timeout', def([http({ execution: 'activity', timeout: '1h' })]), []],
    ['a local node inside a map and a loop', def([{ id: 'm', type: 'map', items: '[1,2]', node: inline() }, { id: 'l', type: 'loop', maxIterations: 2, until: 'true', nodes: [http()] }]), []],
    ['a long-running one inside a map', def([{ id: 'm', type: 'map', items: '[1,2]', node: inline({ timeout: '2m' }) }]), ['LIMIT /nodes/0/node/timeout']],
    ['a timeout from defaults within the bound', def([http({ timeout: undefined })], { defaults: { timeout: '20s' } }), []],
    ['an attempt timeout over a minute', def([http({ timeout: '61s' })]), ['LIMIT /nodes/0/timeout']],
    ['no timeout at all (the default is 10m)', def([http({ timeout: undefined })]), ['LIMIT /nodes/0/timeout']],
    ['a long defaults.timeout', def([http({ timeout: undefined })], { defaults: { timeout: '2m' } }), ['LIMIT /nodes/0/timeout']],
    ['a retry schedule over five minutes', def([http({ timeout: '60s', retry: { maxAttempts: 6 } })]), ['LIMIT /nodes/0/retry']],
    ['long backoffs from defaults.retry', def([http()], { defaults: { retry: { maxAttempts: 5, initialInterval: '2m', maxInterval: '2m' } } }), ['LIMIT /nodes/0/retry']],
    ['a totalTimeout, which the run would hear late', def([http({ totalTimeout: '20s' })]), ['SCHEMA /nodes/0/totalTimeout']],
    ['an agent asked for JSON', def([agent({ output: 'json' })]), ['SCHEMA /nodes/0/agent/output']],
    ['an agent whose defaults ask for JSON', def([agent()], { defaults: { agent: { output: 'json' } } }), ['SCHEMA /nodes/0/agent/output']],
    ['a fallback asking for JSON', def([agent({}, { fallback: [{ model: 'x' }, { output: 'json' }] })]), ['SCHEMA /nodes/0/fallback/1/output']],
    ['a node run in the workflow', def([{ id: 't', type: 'transform', output: 1, execution: 'local' }]), ['SCHEMA /nodes/0']],
    ['an unknown mode', def([http({ execution: 'remote' })]), ['SCHEMA /nodes/0/execution']],
  ])('%s', async (_name, definition, expected) => {
    expect(await codes(definition)).toEqual(expected);
  });

  it('counts every attempt at its full timeout and every capped backoff', () => {
    // 3 attempts of 10 s, backoffs of 1 s and 2 s.
    expect(worstCaseScheduleMs(10_000, DEFAULT_RETRY)).toBe(33_000);
    expect(worstCaseScheduleMs(1_000, { ...DEFAULT_RETRY, maxAttempts: 4, initialIntervalMs: 30_000, maxIntervalMs: 40_000 })).toBe(4_000 + 30_000 + 40_000 + 40_000);
  });
});
