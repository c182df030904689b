import type { ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertsScheduleId } from '../../src/alerts/schedule.js';
import { loadPlugins } from '../../src/plugins/loader.js';
import { startAlertReceiver, type AlertReceiver, type Received } from '../support/alert-receiver.js';
import { ADMIN_KEY, agentNode, createHarness, definition, OPERATOR_KEY, VIEWER_KEY, type Harness } from '../support/harness.js';
import { expectResponsesMatchDocument } from '../support/openapi-conformance.js';
import { freePort } from '../support/ports.js';
import { spawnWeft, stopProcess, waitFor } from '../support/processes.js';

const SECRET = 'receiver-secret';
const WORKER_ENV = { WEFT_ALERT_RETRY_MAX_INTERVAL: '2s', WEFT_ALERT_RETRY_ATTEMPTS: '30' };

let h: Harness;
let receiver: AlertReceiver;
/** Where the test plugin's `onAlert` hook posts each event it gets, from either worker. */
let hookReceiver: AlertReceiver;
let processes: ChildProcess[] = [];
let secondApi: string;

const failing = (name: string) => definition(name, [agentNode('boom', { failAlways: true, error: { message: 'no', nonRetryable: true } }, { retry: { maxAttempts: 1 } })]);
const costing = (name: string, costUsd: number, delay?: string) => definition(name, [agentNode('spend', { text: 'ok', costUsd, ...(delay ? { delay } : {}) })]);

async function rule(body: Record<string, unknown>): Promise<{ id: string }> {
  const res = await h.api('POST', '/api/v1/alerts/rules', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function alertOf(ruleId: string, state: string): Promise<any> {
  const res = await h.api('GET', `/api/v1/alerts?state=${state}`);
  return res.body.items.find((a: any) => a.rule.id === ruleId);
}

const received = (ruleName: string, state?: string): Received[] => receiver.received.filter((r) => r.body.rule.name === ruleName && (!state || r.body.state === state));

beforeAll(async () => {
  // Deliveries back off from 1s to at most 2s here (the default is 1m), so a receiver down for seconds costs seconds.
  hookReceiver = await startAlertReceiver();
  const pluginDir = mkdtempSync(join(tmpdir(), 'weft-alert-plugin-'));
  const pluginPath = join(pluginDir, 'alert-relay.mjs');
  writeFileSync(
    pluginPath,
    `export default { name: 'alert-relay', version: '1.0.0', hooks: { async onAlert(event) {
      await fetch(${JSON.stringify(hookReceiver.url)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
    } } };\n`,
  );
  const plugins = await loadPlugins({ specifiers: [pluginPath] });
  h = await createHarness({ alertsIntervalMs: 1_000, workerEnv: WORKER_ENV, plugins });
  // A second worker and a second API, each its own process on the same database and task queue: the worker ensures the same Schedule and polls the same tasks.
  const port = await freePort();
  secondApi = `http://127.0.0.1:${port}`;
  const env = { ...process.env, ...WORKER_ENV, WEFT_PLUGINS: pluginPath, DATABASE_URL: h.databaseUrl, TEMPORAL_ADDRESS: h.temporalAddress, WEFT_TASK_QUEUE: h.taskQueue, WEFT_ALERTS_INTERVAL: '1s', WEFT_LOG_LEVEL: 'info' };
  processes = await Promise.all([
    spawnWeft('worker', { ...env, WEFT_METRICS_PORT: String(await freePort()) }, 'Weft worker polling'),
    spawnWeft('api', { ...env, WEFT_PORT: String(port), WEFT_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY }, 'Weft API listening'),
  ]);
  receiver = await startAlertReceiver();
  const channel = await h.api('POST', '/api/v1/alerts/channels', { name: 'ops', type: 'webhook', url: receiver.url, secret: SECRET });
  expect(channel.status).toBe(201);
  expect(channel.body).not.toHaveProperty('secret');
}, 120_000);

afterAll(async () => {
  for (const p of processes) await stopProcess(p, 'SIGTERM');
  await receiver?.close();
  await hookReceiver?.close();
  await h?.close();
});

describe('alerts (contract weft-ops §13)', () => {
  it('one evaluator Schedule however many workers ensure it', async () => {
    const ids: string[] = [];
    for await (const s of h.client.schedule.list()) if (s.scheduleId === alertsScheduleId(h.taskQueue)) ids.push(s.scheduleId);
    expect(ids).toHaveLength(1);
  });

  it('validates rules: kinds and params, channels that exist, roles', async () => {
    const bad = await h.api('POST', '/api/v1/alerts/rules', { name: 'x', kind: 'failure_rate', params: {} });
    expect(bad.status).toBe(400);
    // A duration past what the store keeps (32-bit milliseconds) is refused at its field, not a 500 (schemathesis, seed 26925166).
    const tooLong = await h.api('POST', '/api/v1/alerts/rules', { name: 'x', kind: 'stuck_run', for: '0023911670s', repeatInterval: '8.34h' });
    expect([tooLong.status, JSON.stringify(tooLong.body)]).toEqual([400, expect.stringContaining('at most 24d')]);
    // Past Weft's 100-year bound too, in params (schemathesis, seed 845219738).
    const pastBound = await h.api('POST', '/api/v1/alerts/rules', { name: 'x', kind: 'node_failing', params: { threshold: 0.3, window: '99320128947009.88ms' } });
    expect([pastBound.status, JSON.stringify(pastBound.body)]).toEqual([400, expect.stringContaining('at most 24d')]);
    const unknownChannel = await h.api('POST', '/api/v1/alerts/rules', { name: 'x', kind: 'run_failed', channels: ['nowhere'] });
    expect(unknownChannel.status).toBe(422);
    expect(unknownChannel.body.error.details[0].path).toBe('channels.0');
    const asOperator = await h.api('POST', '/api/v1/alerts/rules', { name: 'x', kind: 'run_failed' }, { key: OPERATOR_KEY });
    expect(asOperator.status).toBe(403);
    const channels = await h.api('GET', '/api/v1/alerts/channels', undefined, { key: VIEWER_KEY });
    expect(channels.status).toBe(403);
  });

  it('a failed run reaches the receiver once per state, signed, through the receiver being down', async () => {
    const r = await rule({ name: 'fails', kind: 'run_failed', workflow: 'fails-a', params: { window: '4s' }, severity: 'critical', channels: ['ops'] });
    await receiver.down();
    const run = await h.run(failing('fails-a'));
    expect(run.status).toBe('failed');
    // Refused at least twice: the retry path, not a first attempt that happened to find it up.
    await waitFor(async () => {
      const log = (await h.api('GET', '/api/v1/alerts/deliveries')).body.items.filter((d: any) => d.ruleId === r.id && d.state === 'firing');
      return log[0]?.attempts >= 2 ? true : undefined;
    }, 'two refused delivery attempts');
    await receiver.up();
    const [firing] = await waitFor(async () => (received('fails', 'firing').length > 0 ? received('fails', 'firing') : undefined), 'the firing notice');
    expect(firing!.body.alert.labels).toEqual({ workflow: 'fails-a' });
    expect(firing!.body.alert.evidence.runIds).toContain(run.id);
    expect(firing!.headers['x-weft-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(firing!.raw).digest('hex')}`);
    expect(firing!.headers['idempotency-key']).toBe(firing!.body.key);
    // The window passes with no new failure: resolved, told once.
    const [resolved] = await waitFor(async () => (received('fails', 'resolved').length > 0 ? received('fails', 'resolved') : undefined), 'the resolved notice');
    expect(resolved!.body.alert.fingerprint).toBe(firing!.body.alert.fingerprint);
    // Evaluations go on (two workers polling) and add nothing: the delivery log shows both notices delivered, the receiver one request each.
    const logged = await waitFor(async () => {
      const log = (await h.api('GET', '/api/v1/alerts/deliveries')).body.items.filter((d: any) => d.ruleId === r.id);
      return log.length === 2 && log.every((d: any) => d.status === 'delivered') ? log : undefined;
    }, 'both deliveries logged');
    expect(logged.map((d: any) => d.state).sort()).toEqual(['firing', 'resolved']);
    expect(received('fails').map((x) => x.body.state)).toEqual(['firing', 'resolved']);
  }, 90_000);

  it('a stuck run fires stuck_run and resolves when it moves', async () => {
    const r = await rule({ name: 'stuck', kind: 'stuck_run', workflow: 'stuck-b', params: { minutes: 0.05 }, channels: ['ops'] });
    const id = await h.startRun(costing('stuck-b', 0, '8s'));
    const firing = await waitFor(() => alertOf(r.id, 'firing'), 'stuck_run to fire');
    expect(firing.labels).toEqual({ workflow: 'stuck-b', runId: id });
    expect((await h.live(id)).status).toBe('running');
    await h.finished(id);
    const resolved = await waitFor(() => alertOf(r.id, 'resolved'), 'stuck_run to resolve');
    expect(resolved.fingerprint).toBe(firing.fingerprint);
    await waitFor(async () => (received('stuck', 'resolved').length === 1 ? true : undefined), 'the resolved notice');
    expect(received('stuck').map((x) => x.body.state)).toEqual(['firing', 'resolved']);
  }, 60_000);

  it('a run ten times its workflow median cost fires cost_spike', async () => {
    const r = await rule({ name: 'spend', kind: 'cost_spike', workflow: 'spendy-c', params: { factor: 2, minRuns: 3 } });
    for (let i = 0; i < 3; i++) await h.run(costing('spendy-c', 0.01));
    expect(await alertOf(r.id, 'firing')).toBeUndefined();
    const spike = await h.run(costing('spendy-c', 0.1));
    const firing = await waitFor(() => alertOf(r.id, 'firing'), 'cost_spike to fire');
    expect(firing.labels).toEqual({ workflow: 'spendy-c', runId: spike.id });
    expect(firing.evidence.medianUsd).toBeCloseTo(0.01);
    expect(firing.evidence.ratio).toBeCloseTo(10);
  }, 60_000);

  it('a failure-rate rule fires and resolves over its window', async () => {
    const r = await rule({ name: 'rate', kind: 'failure_rate', workflow: 'flaky-d', params: { threshold: 0.5, window: '5s', minRuns: 2 } });
    await h.run(failing('flaky-d'));
    await h.run(costing('flaky-d', 0));
    // One failure in two runs: 50%.
    const firing = await waitFor(() => alertOf(r.id, 'firing'), 'failure_rate to fire');
    expect(firing.evidence).toMatchObject({ runs: 2, failed: 1, rate: 0.5 });
    const resolved = await waitFor(() => alertOf(r.id, 'resolved'), 'failure_rate to resolve as the window passes');
    expect(resolved.resolvedAt >= firing.firingSince).toBe(true);
  }, 60_000);

  it('a silence holds notifications and its expiry releases them; silences are audited', async () => {
    const r = await rule({ name: 'quiet', kind: 'run_failed', workflow: 'quiet-e', params: { window: '1h' }, channels: ['ops'] });
    const endsAt = new Date(Date.now() + 6_000).toISOString();
    const silence = await h.api('POST', '/api/v1/alerts/silences', { matchers: { workflow: 'quiet-e' }, endsAt, comment: 'maintenance' }, { key: OPERATOR_KEY });
    expect(silence.status).toBe(201);
    await h.run(failing('quiet-e'));
    const held = await waitFor(() => alertOf(r.id, 'silenced'), 'the alert to show as silenced');
    expect(held.state).toBe('firing');
    const [notice] = await waitFor(async () => (received('quiet').length > 0 ? received('quiet') : undefined), 'the notice after the silence');
    // Nothing went out while the silence held: the one notice was sent after it ended.
    expect(notice!.at).toBeGreaterThanOrEqual(Date.parse(endsAt));
    expect(received('quiet')).toHaveLength(1);
    const audit = await h.api('GET', '/api/v1/audit?action=alert.silence');
    expect(audit.body.items[0]).toMatchObject({ action: 'alert.silence', outcome: 'ok', actor: { role: 'operator' } });
  }, 60_000);

  it('two workers sent no notice twice; the second API shows the same alerts', async () => {
    const mine = await h.api('GET', '/api/v1/alerts');
    const theirs = (await (await fetch(`${secondApi}/api/v1/alerts`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as any;
    expect(theirs.items.map((a: any) => a.fingerprint).sort()).toEqual(mine.body.items.map((a: any) => a.fingerprint).sort());
    const keys = receiver.received.map((x) => x.body.key);
    expect(keys.length).toBeGreaterThan(0);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('metrics: weft_alerts_firing from the stored alerts, the same on both APIs', async () => {
    for (const base of [h.url, secondApi]) {
      const text = await (await fetch(`${base}/metrics`)).text();
      // cost_spike's alert fires until its run leaves the 1h window; the resolved ones are not counted.
      expect(text).toContain('weft_alerts_firing{rule="spend",severity="warning"} 1');
      expect(text).not.toMatch(/weft_alerts_firing\{rule="fails"/);
    }
  });

  it('plugins get onAlert with each notice, its key as the event id', async () => {
    const keys = receiver.received.map((x) => x.body.key as string);
    const events = await waitFor(async () => (keys.every((k) => hookReceiver.received.some((e) => e.body.eventId === k)) ? hookReceiver.received : undefined), 'an onAlert event for every notice');
    const event = events.find((e) => e.body.eventId === keys[0])!;
    expect(event.body).toMatchObject({ type: 'onAlert', alert: { key: keys[0], type: 'alert' } });
  });

  it('answers as the OpenAPI document says', async () => {
    expect(await expectResponsesMatchDocument(h)).toBeGreaterThan(20);
  });
});
