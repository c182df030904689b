import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ApplicationFailure } from '@temporalio/common';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { createGithubPlugin } from '../../../src/plugins/github/plugin.js';
import { PluginRegistry } from '../../../src/plugins/registry.js';
import { findNodeType, runPluginNode } from '../../../src/activities/plugin/run-plugin-node.js';
import { createSlackPlugin } from '../../../src/plugins/slack/plugin.js';
import type { Plugin } from '../../../src/plugins/types.js';
import { createWebhookPlugin } from '../../../src/plugins/webhook/plugin.js';
import type { HookEvent } from '../../../src/plugins/contract.js';
import { attemptTools, localServer, rejection, type Received } from './support.js';

type Server = Awaited<ReturnType<typeof localServer>>;
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A server answering each request with the next scripted status, headers and body. */
async function scripted(answers: { status: number; body?: string; headers?: Record<string, string> }[]): Promise<Server> {
  let i = 0;
  const server = await localServer((_req: Received, res: ServerResponse) => {
    const answer = answers[Math.min(i++, answers.length - 1)]!;
    res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end(answer.body ?? '');
  });
  servers.push(server);
  return server;
}

function runNode(plugin: Plugin, type: string, config: unknown, secrets: Record<string, string> = {}) {
  return runPluginNode(findNodeType(PluginRegistry.from([{ plugin, source: 'test' }]), type), { nodeId: 'n', type, config }, attemptTools(secrets));
}

async function failure(promise: Promise<unknown>): Promise<{ type: string | undefined; nonRetryable: boolean; nextRetryDelay: unknown; message: string }> {
  const err = await rejection(promise);
  expect(err).toBeInstanceOf(ApplicationFailure);
  const f = err as ApplicationFailure;
  return { type: f.type ?? undefined, nonRetryable: f.nonRetryable ?? false, nextRetryDelay: f.nextRetryDelay, message: f.message };
}

describe('slack plugin (incoming webhooks)', () => {
  it('slack.post posts {text, blocks} to the SLACK_WEBHOOK_URL secret, or to config.webhook', async () => {
    const slack = await scripted([{ status: 200, body: 'ok' }]);
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }];
    expect((await runNode(createSlackPlugin(), 'slack.post', { text: 'hi', blocks }, { SLACK_WEBHOOK_URL: `${slack.url}/services/T/B/secret` })).output).toEqual({ ok: true });
    expect(slack.received[0]).toMatchObject({ method: 'POST', url: '/services/T/B/secret', headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(slack.received[0]!.body)).toEqual({ text: 'hi', blocks });
    await runNode(createSlackPlugin(), 'slack.post', { text: 'again', webhook: `${slack.url}/services/other` });
    expect(slack.received[1]!.url).toBe('/services/other');
  });

  it('400/403/404 are not retried; 429 is, after Retry-After; 5xx is', async () => {
    const slack = await scripted([
      { status: 400, body: 'invalid_payload' },
      { status: 403, body: 'action_prohibited' },
      { status: 404, body: 'no_service' },
      { status: 429, body: 'rate_limited', headers: { 'retry-after': '7' } },
      { status: 503, body: 'service_unavailable' },
    ]);
    const post = () => runNode(createSlackPlugin(), 'slack.post', { text: 'x', webhook: `${slack.url}/hook` });
    expect(await failure(post())).toMatchObject({ type: 'PROVIDER_REJECTED', nonRetryable: true, message: 'Slack answered 400: invalid_payload' });
    expect(await failure(post())).toMatchObject({ type: 'PROVIDER_AUTH', nonRetryable: true });
    expect(await failure(post())).toMatchObject({ type: 'PROVIDER_REJECTED', nonRetryable: true, message: expect.stringContaining('no_service') });
    expect(await failure(post())).toMatchObject({ type: 'RATE_LIMITED', nonRetryable: false, nextRetryDelay: 7000 });
    expect(await failure(post())).toMatchObject({ type: 'PROVIDER_UNAVAILABLE', nonRetryable: false });
  });

  it('without a webhook in config or secrets, fails with SECRET_MISSING', async () => {
    expect(await failure(runNode(createSlackPlugin(), 'slack.post', { text: 'x' }))).toMatchObject({ type: 'SECRET_MISSING', nonRetryable: true });
  });

  it('the run-end notifier exists only with a notify URL, and posts the run status', async () => {
    expect(createSlackPlugin().hooks).toBeUndefined();
    const slack = await scripted([{ status: 200, body: 'ok' }, { status: 500, body: 'oops' }]);
    const notify = createSlackPlugin({ notifyUrl: `${slack.url}/notify` }).hooks!.onRunComplete!;
    const ctx = { signal: new AbortController().signal, log: createLogger('silent') };
    const done: HookEvent = { eventId: 'run_1:complete', type: 'onRunComplete', at: '2025-01-01T00:00:00Z', runId: 'run_1', workflow: 'wf', run: { status: 'failed', error: { message: 'node a failed' } } };
    await notify(done, ctx);
    expect(JSON.parse(slack.received[0]!.body)).toEqual({ text: 'Weft run run_1 of wf failed: node a failed' });
    await expect(notify(done, ctx)).rejects.toThrow('Slack answered 500');
  });
});

describe('github plugin (REST)', () => {
  it('github.issue creates an issue with the token, API version and media type; github.comment comments', async () => {
    let n = 0;
    const gh = await localServer((req, res) => {
      n += 1;
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(req.url.endsWith('/comments') ? { id: 99, html_url: 'https://gh/c/99' } : { number: 12, html_url: 'https://gh/i/12' }));
    });
    servers.push(gh);
    const plugin = createGithubPlugin({ apiUrl: `${gh.url}/api/v3/` });
    const issue = await runNode(plugin, 'github.issue', { owner: 'acme', repo: 'app', title: 'Broken', body: 'details', labels: ['bug'] }, { GITHUB_TOKEN: 'ghp_token123' });
    expect(issue.output).toEqual({ number: 12, url: 'https://gh/i/12' });
    expect(gh.received[0]).toMatchObject({
      method: 'POST',
      url: '/api/v3/repos/acme/app/issues',
      headers: { authorization: 'Bearer ghp_token123', accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
    });
    expect(JSON.parse(gh.received[0]!.body)).toEqual({ title: 'Broken', body: 'details', labels: ['bug'] });
    const comment = await runNode(plugin, 'github.comment', { owner: 'acme', repo: 'app', number: 12, body: 'fixed' }, { GITHUB_TOKEN: 'ghp_token123' });
    expect(comment.output).toEqual({ id: 99, url: 'https://gh/c/99' });
    expect(gh.received[1]!.url).toBe('/api/v3/repos/acme/app/issues/12/comments');
    expect(n).toBe(2);
  });

  it('401/403/404/422 are not retried; 429, 5xx and an exhausted rate limit are, after the reset', async () => {
    const reset = Math.floor(Date.now() / 1000) + 30;
    const gh = await scripted([
      { status: 401, body: '{"message":"Bad credentials"}' },
      { status: 403, body: '{"message":"Resource not accessible"}', headers: { 'x-ratelimit-remaining': '12' } },
      { status: 404, body: '{"message":"Not Found"}' },
      { status: 422, body: '{"message":"Validation Failed"}' },
      { status: 403, body: '{"message":"API rate limit exceeded"}', headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) } },
      { status: 429, body: '{"message":"secondary rate limit"}', headers: { 'retry-after': '3' } },
      { status: 502, body: 'bad gateway' },
    ]);
    const create = () => runNode(createGithubPlugin({ apiUrl: gh.url }), 'github.issue', { owner: 'o', repo: 'r', title: 't' }, { GITHUB_TOKEN: 'ghp_x' });
    expect(await failure(create())).toMatchObject({ type: 'PROVIDER_AUTH', nonRetryable: true, message: expect.stringContaining('Bad credentials') });
    expect(await failure(create())).toMatchObject({ type: 'PROVIDER_AUTH', nonRetryable: true });
    expect(await failure(create())).toMatchObject({ type: 'PROVIDER_REJECTED', nonRetryable: true });
    expect(await failure(create())).toMatchObject({ type: 'PROVIDER_REJECTED', nonRetryable: true });
    const limited = await failure(create());
    expect(limited).toMatchObject({ type: 'RATE_LIMITED', nonRetryable: false });
    expect(limited.nextRetryDelay).toBeGreaterThan(20_000);
    expect(limited.nextRetryDelay).toBeLessThanOrEqual(30_000);
    expect(await failure(create())).toMatchObject({ type: 'RATE_LIMITED', nonRetryable: false, nextRetryDelay: 3000 });
    expect(await failure(create())).toMatchObject({ type: 'PROVIDER_UNAVAILABLE', nonRetryable: false });
  });
});

describe('webhook plugin', () => {
  it('POSTs every hook event as JSON, signed with HMAC-SHA256 of the raw body, with event type and idempotency key', async () => {
    const secret = 'webhook-secret-0123456789';
    const verified: boolean[] = [];
    const receiver = await localServer((req, res) => {
      // The receiving side checks the signature over the exact bytes it got.
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(req.body).digest('hex')}`);
      const given = Buffer.from(String(req.headers['x-weft-signature']));
      verified.push(given.length === expected.length && timingSafeEqual(given, expected));
      res.writeHead(204).end();
    });
    const down = await scripted([{ status: 500 }]);
    servers.push(receiver);
    const plugin = createWebhookPlugin({ urls: [`${receiver.url}/a`, `${receiver.url}/b`], secret });
    expect(Object.keys(plugin.hooks!).sort()).toEqual(['afterNode', 'beforeNode', 'onAlert', 'onBudget', 'onNodeError', 'onRunComplete', 'onWarning']);
    const ctx = { signal: new AbortController().signal, log: createLogger('silent') };
    const event: HookEvent = { eventId: 'run_1:a:afterNode', type: 'afterNode', at: '2025-01-01T00:00:00Z', runId: 'run_1', workflow: 'wf', nodeId: 'a', node: { status: 'succeeded' } };
    await plugin.hooks!.afterNode!(event, ctx);
    expect(verified).toEqual([true, true]);
    expect(receiver.received.map((r) => r.url).sort()).toEqual(['/a', '/b']);
    expect(receiver.received[0]!.headers).toMatchObject({ 'content-type': 'application/json', 'x-weft-event': 'afterNode', 'idempotency-key': 'run_1:a:afterNode' });
    expect(JSON.parse(receiver.received[0]!.body)).toEqual(event);

    const failing = createWebhookPlugin({ urls: [`${down.url}/x`], secret });
    await expect(failing.hooks!.onBudget!({ ...event, type: 'onBudget', eventId: 'run_1:budget' }, ctx)).rejects.toThrow('webhook delivery of run_1:budget failed');
  });
});
