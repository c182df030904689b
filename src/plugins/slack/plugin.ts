import { z } from 'zod';
import { FailureType } from '../../dag/failure-types.js';
import { failForStatus } from '../http-failure.js';
import { definePlugin, type Plugin, type PluginContext } from '../types.js';

/** The secret `slack.post` posts to when its config names no webhook. */
export const SLACK_SECRET = 'SLACK_WEBHOOK_URL';

const postConfig = z.strictObject({
  text: z.string().min(1),
  /** Block Kit blocks; `text` is then the notification fallback. */
  blocks: z.array(z.record(z.string(), z.unknown())).optional(),
  /** An incoming-webhook URL, as a `{{ secrets.NAME }}` template; default: the SLACK_WEBHOOK_URL secret. */
  webhook: z.url().optional(),
});

export interface SlackSettings {
  /** Incoming webhook for the run-end notifier; without it the plugin observes no hook. */
  notifyUrl?: string | undefined;
}

/** POSTs a message to an incoming webhook; Slack answers 200 `ok`, or an error status with a text reason. */
async function post(url: string, message: { text: string; blocks?: unknown[] }, signal: AbortSignal): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message), signal });
}

async function postNode(ctx: PluginContext, config: z.infer<typeof postConfig>): Promise<{ ok: true }> {
  const url = config.webhook ?? ctx.secret(SLACK_SECRET);
  const response = await post(url, { text: config.text, ...(config.blocks ? { blocks: config.blocks } : {}) }, ctx.signal);
  const body = await response.text();
  // The URL is a credential: failures quote Slack's answer, never the URL.
  if (!response.ok) return failForStatus(ctx, 'Slack', response, body);
  if (body.trim() !== 'ok') ctx.fail(FailureType.ProviderRejected, `Slack answered 200 but not ok: ${body.slice(0, 200)}`, { nonRetryable: true });
  return { ok: true };
}

/**
 * The `slack` plugin: a `slack.post` node (Slack's incoming-webhook protocol)
 * and, with a `notifyUrl`, an `onRunComplete` notifier.
 */
export function createSlackPlugin(settings: SlackSettings = {}): Plugin {
  const { notifyUrl } = settings;
  return definePlugin({
    name: 'slack',
    version: '1.0.0',
    nodeTypes: {
      post: {
        description: 'Posts a message to a Slack incoming webhook (config.webhook, or the SLACK_WEBHOOK_URL secret)',
        config: postConfig,
        secrets: [SLACK_SECRET],
        run: postNode,
      },
    },
    ...(notifyUrl
      ? {
          hooks: {
            async onRunComplete(event, ctx) {
              const run = (event.run ?? {}) as { status?: string; error?: { message?: string } | null };
              const tail = run.error?.message ? `: ${run.error.message}` : '';
              const response = await post(notifyUrl, { text: `Weft run ${event.runId} of ${event.workflow} ${run.status ?? 'ended'}${tail}` }, ctx.signal);
              const body = await response.text();
              if (!response.ok) throw new Error(`Slack answered ${response.status}: ${body.slice(0, 200)}`);
            },
          },
        }
      : {}),
  });
}
