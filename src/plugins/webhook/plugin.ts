import { createHmac } from 'node:crypto';
import { HookName, type HookEvent } from '../contract.js';
import { definePlugin, type HookContext, type HookFunction, type Plugin } from '../types.js';

export interface WebhookSettings {
  /** Where every event is POSTed. */
  urls: readonly string[];
  /** The HMAC-SHA256 key of `X-Weft-Signature`. */
  secret: string;
}

/** `sha256=<hex HMAC-SHA256 of body>`, as `X-Weft-Signature` carries it. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * The `webhook` plugin: every hook event is POSTed as JSON to each URL, signed
 * (`X-Weft-Signature`), typed (`X-Weft-Event`) and keyed (`Idempotency-Key`: the
 * event id, the same on a redelivery). A URL that does not answer 2xx fails the
 * hook call, which the dispatcher logs and counts.
 */
export function createWebhookPlugin(settings: WebhookSettings): Plugin {
  const post: HookFunction = async (event: HookEvent, ctx: HookContext) => {
    const body = JSON.stringify(event);
    const headers = { 'content-type': 'application/json', 'x-weft-signature': webhookSignature(settings.secret, body), 'x-weft-event': event.type, 'idempotency-key': event.eventId };
    const failures = await Promise.all(
      settings.urls.map(async (url) => {
        const response = await fetch(url, { method: 'POST', headers, body, signal: ctx.signal });
        await response.body?.cancel();
        return response.ok ? null : `${new URL(url).host} answered ${response.status}`;
      }),
    );
    const failed = failures.filter((f) => f !== null);
    if (failed.length > 0) throw new Error(`webhook delivery of ${event.eventId} failed: ${failed.join('; ')}`);
  };
  return definePlugin({
    name: 'webhook',
    version: '1.0.0',
    hooks: Object.fromEntries(Object.values(HookName).map((hook) => [hook, post])),
  });
}
