import { failForStatus } from '../http-failure.js';
import { definePlugin, type Plugin, type PluginContext } from '../types.js';

/** The secret holding the token (`Authorization: Bearer`). */
export const GITHUB_SECRET = 'GITHUB_TOKEN';
export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

/** Longest wait for a rate-limit reset before the next attempt. */
const MAX_RESET_WAIT_MS = 60 * 60_000;

export interface GithubSettings {
  /** The REST API root (GitHub Enterprise: `https://<host>/api/v3`). */
  apiUrl?: string | undefined;
}

const repoFields = {
  owner: { type: 'string', minLength: 1 },
  repo: { type: 'string', minLength: 1 },
};

const issueConfig = {
  type: 'object',
  additionalProperties: false,
  required: ['owner', 'repo', 'title'],
  properties: { ...repoFields, title: { type: 'string', minLength: 1 }, body: { type: 'string' }, labels: { type: 'array', items: { type: 'string' } } },
};

const commentConfig = {
  type: 'object',
  additionalProperties: false,
  required: ['owner', 'repo', 'number', 'body'],
  properties: { ...repoFields, number: { type: 'integer', minimum: 1 }, body: { type: 'string', minLength: 1 } },
};

/** Until a rate limit's window resets (`x-ratelimit-reset`, epoch seconds). */
function resetDelayMs(headers: Headers, now = Date.now()): number | undefined {
  const reset = Number(headers.get('x-ratelimit-reset'));
  return Number.isFinite(reset) && reset > 0 ? Math.min(Math.max(reset * 1000 - now, 0), MAX_RESET_WAIT_MS) : undefined;
}

/**
 * The `github` plugin: `github.issue` and `github.comment` over the REST API.
 * 401/403/404/422 are not retried; 429, 5xx and a 403 with
 * `x-ratelimit-remaining: 0` are, after the reset (or Retry-After).
 */
export function createGithubPlugin(settings: GithubSettings = {}): Plugin {
  const apiUrl = (settings.apiUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, '');
  const call = async (ctx: PluginContext, path: string, payload: unknown): Promise<Record<string, unknown>> => {
    const response = await ctx.fetch(`${apiUrl}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ctx.secret(GITHUB_SECRET)}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'content-type': 'application/json',
        'user-agent': 'weft',
      },
      body: JSON.stringify(payload),
    });
    const text = await response.text();
    if (!response.ok) {
      const rateLimited = response.status === 403 && response.headers.get('x-ratelimit-remaining') === '0';
      const reset = resetDelayMs(response.headers);
      return failForStatus(ctx, 'GitHub', response, text, { rateLimited, ...(rateLimited && reset !== undefined ? { retryAfterMs: reset } : {}) });
    }
    return JSON.parse(text) as Record<string, unknown>;
  };
  const repoPath = (c: { owner: string; repo: string }) => `/repos/${encodeURIComponent(c.owner)}/${encodeURIComponent(c.repo)}`;
  return definePlugin({
    name: 'github',
    version: '1.0.0',
    nodeTypes: {
      issue: {
        description: 'Creates an issue; output {number, url}',
        config: issueConfig,
        secrets: [GITHUB_SECRET],
        async run(ctx, config: { owner: string; repo: string; title: string; body?: string; labels?: string[] }) {
          const { owner: _o, repo: _r, ...issue } = config;
          const created = await call(ctx, `${repoPath(config)}/issues`, issue);
          return { number: created.number, url: created.html_url };
        },
      },
      comment: {
        description: 'Comments on an issue or pull request; output {id, url}',
        config: commentConfig,
        secrets: [GITHUB_SECRET],
        async run(ctx, config: { owner: string; repo: string; number: number; body: string }) {
          const created = await call(ctx, `${repoPath(config)}/issues/${config.number}/comments`, { body: config.body });
          return { id: created.id, url: created.html_url };
        },
      },
    },
  });
}
