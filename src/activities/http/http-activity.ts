import type { ApplicationFailure } from '@temporalio/common';
import { Agent, fetch, type Response } from 'undici';
import { FailureType } from '../../dag/failure-types.js';
import { runAttempt, type AttemptDeps } from '../attempt.js';
import type { HttpActivityInput, NodeActivityResult } from '../contract.js';
import { activityFailure } from '../failures.js';
import { retryAfterMs } from '../retry-after.js';
import { destinationGuard, DestinationRefusedError, type DestinationPolicy } from './destination-guard.js';

export interface HttpOutput {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface HttpActivityDeps {
  policy: DestinationPolicy;
  maxResponseBytes: number;
  envelope: AttemptDeps;
}

const MAX_REDIRECTS = 5;

/**
 * Builds `runHttp`: one request of an http node. Destinations pass the SSRF guard
 * (checked on the resolved address, at every redirect); the response is read up
 * to a size cap; JSON bodies are parsed. Unexpected statuses fail the attempt:
 * 429 (after its retry-after) and 5xx are retried, other statuses are not. The
 * envelope (`runAttempt`) reveals and scrubs secrets, records, caches and heartbeats.
 */
export function createHttpActivity(deps: HttpActivityDeps) {
  const guard = destinationGuard(deps.policy);
  const dispatcher = new Agent({ connect: { lookup: guard.lookup as never } });

  return function runHttp(input: HttpActivityInput): Promise<NodeActivityResult<HttpOutput>> {
    return runAttempt(deps.envelope, {
      nodeType: 'http',
      input,
      // Deferred paths are relative to the payload the workflow resolved, `{request, expectStatus}`.
      value: { request: input.request },
      classify: asFailure,
      prepare: (ctx) => {
        const detail = { request: { method: input.request.method ?? 'GET', url: input.request.url }, latencyMs: 0, status: null as number | null };
        return {
          detail,
          cacheKey: { request: input.request, expectStatus: input.expectStatus ?? null },
          fromCache: (hit) => ({ output: hit, detail: { ...detail, status: hit.status } }),
          async run() {
            const started = Date.now();
            try {
              const response = await send(withIdempotencyKey(ctx.value.request, input.idempotencyKey), guard, dispatcher, ctx.signal);
              detail.status = response.status;
              // Scrubbed before the failure message cuts a snippet from it.
              const output = ctx.scrub({ status: response.status, headers: Object.fromEntries(response.headers), body: await readBody(response, deps.maxResponseBytes) });
              if (!expected(response.status, input.expectStatus)) throw statusFailure(output, response);
              return { output };
            } finally {
              detail.latencyMs = Date.now() - started;
            }
          },
        };
      },
    });
  };
}

/** An agent's tool call sends its key as `Idempotency-Key`, unless the definition sets that header itself. */
function withIdempotencyKey(request: HttpActivityInput['request'], key: string | undefined): HttpActivityInput['request'] {
  if (key === undefined || Object.keys(request.headers ?? {}).some((h) => h.toLowerCase() === 'idempotency-key')) return request;
  return { ...request, headers: { ...request.headers, 'Idempotency-Key': key } };
}

async function send(request: HttpActivityInput['request'], guard: ReturnType<typeof destinationGuard>, dispatcher: Agent, signal: AbortSignal): Promise<Response> {
  const url = new URL(request.url);
  for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, String(value));
  const headers: Record<string, string> = { ...request.headers };
  let body: string | undefined;
  if (request.body !== undefined && request.body !== null) {
    body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    if (typeof request.body !== 'string' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  let method = request.method ?? 'GET';
  let target = url;
  for (let hop = 0; ; hop++) {
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new DestinationRefusedError(`only http and https URLs are allowed, not ${target.protocol}`);
    guard.checkHost(target.hostname);
    const response = await fetch(target, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body, redirect: 'manual', dispatcher, signal });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location || hop >= MAX_REDIRECTS) return response;
    await response.body?.cancel();
    target = new URL(location, target);
    // 303 (and historically 301/302 after POST) continue as GET without a body.
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
    }
  }
}

async function readBody(response: Response, cap: number): Promise<unknown> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body) {
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      if (size > cap) {
        await response.body.cancel().catch(() => {});
        throw activityFailure({ type: FailureType.ResponseTooLarge, message: `response is larger than ${cap} bytes (WEFT_HTTP_MAX_RESPONSE_BYTES)`, nonRetryable: true });
      }
      chunks.push(chunk);
    }
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (/\bjson\b/i.test(response.headers.get('content-type') ?? '') && text.length > 0) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function expected(status: number, expectStatus: number | number[] | undefined): boolean {
  if (expectStatus === undefined) return status >= 200 && status < 300;
  return Array.isArray(expectStatus) ? expectStatus.includes(status) : status === expectStatus;
}

function statusFailure(output: HttpOutput, response: Response): ApplicationFailure {
  const snippet = typeof output.body === 'string' ? output.body.slice(0, 300) : JSON.stringify(output.body).slice(0, 300);
  const message = `unexpected status ${output.status}: ${snippet}`;
  if (output.status === 429) {
    return activityFailure({ type: FailureType.RateLimited, message, nextRetryDelayMs: retryAfterMs((name) => response.headers.get(name)) });
  }
  return activityFailure({ type: FailureType.HttpStatus, message, nonRetryable: output.status < 500 });
}

/** Types what the network threw: a refused destination (at any depth of causes) is final, anything else is retried. */
function asFailure(err: unknown): ApplicationFailure {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    if (e instanceof DestinationRefusedError) return activityFailure({ type: FailureType.DestinationRefused, message: e.message, nonRetryable: true });
  }
  const cause = (err as { cause?: { message?: string } }).cause?.message;
  return activityFailure({ type: FailureType.HttpError, message: `${(err as Error).message}${cause ? `: ${cause}` : ''}` });
}
