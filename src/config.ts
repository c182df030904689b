import { z } from 'zod';
import { DURATION_PATTERN } from './dag/duration.js';
import { SEGMENT_EVENTS } from './dag/run-state.js';
import { roles, type Role } from './db/schema/api-keys.js';

const port = z.coerce.number().int().min(1).max(65_535);
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const flag = z
  .enum(['1', '0', 'true', 'false', 'on', 'off', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'on');
const duration = z.string().regex(DURATION_PATTERN, 'a duration such as 30s, 5m');
const list = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean)));

/** Every setting Weft reads from the environment (see `.env.example`); secrets (`WEFT_SECRET_*`) are read by the worker alone. */
export const configSchema = z.object({
  WEFT_PORT: port.default(8080),
  WEFT_HOST: z.string().default('127.0.0.1'),
  WEFT_DATA_DIR: z.string().default('.weft'),
  WEFT_TEMPORAL_PORT: port.default(7233),
  WEFT_TEMPORAL_UI_PORT: port.default(8233),
  WEFT_BOOTSTRAP_ADMIN_KEY: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  WEFT_TASK_QUEUE: z.string().min(1).default('weft'),
  WEFT_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `json`: one JSON object a line; `pretty`: for a person at a terminal. Unset: pretty when stdout is a terminal, JSON otherwise. */
  WEFT_LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  /** The worker's Prometheus endpoint (`GET /metrics` on this port, all interfaces); under `weft dev` the API's `/metrics` serves it instead. */
  WEFT_METRICS_PORT: port.default(9464),
  WEFT_MAX_BODY_BYTES: z.coerce.number().int().min(1_024).default(5 * 1024 * 1024),
  /** API requests a minute per key (requests without a valid key: 120 a minute per address). */
  WEFT_RATE_LIMIT: z.coerce.number().int().min(1).default(1_200),
  /** Comma-separated origins allowed by CORS; unset: no CORS headers at all. */
  WEFT_CORS_ORIGINS: list,
  WEFT_ANTHROPIC_BASE_URL: optionalText.pipe(z.url().optional()),
  WEFT_OPENAI_BASE_URL: optionalText.pipe(z.url().optional()),
  WEFT_PRICING_FILE: optionalText,
  /** JSON: {"<provider>": {"fast": "<model>", "balanced": "<model>", "advanced": "<model>"}}, merged over the defaults. */
  WEFT_MODEL_TIERS: optionalText.pipe(z.string().optional()),
  WEFT_HTTP_ALLOW_PRIVATE: flag,
  /** Comma-separated hostnames (exact, or `*.example.com`) and CIDR ranges that http nodes may reach even when private. */
  WEFT_HTTP_ALLOW_HOSTS: list,
  WEFT_HTTP_MAX_RESPONSE_BYTES: z.coerce.number().int().min(1_024).default(5 * 1024 * 1024),
  WEFT_EXEC: z.enum(['on', 'off']).default('off'),
  /** Root under which exec nodes run; their `cwd` must resolve inside it. Default: <WEFT_DATA_DIR>/workspace. */
  WEFT_EXEC_WORKSPACE: optionalText,
  /** Comma-separated names of worker environment variables passed to commands (besides the node's env). */
  WEFT_EXEC_ENV_ALLOW: list.default(['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR']),
  WEFT_EXEC_MAX_OUTPUT_BYTES: z.coerce.number().int().min(1_024).default(1024 * 1024),
  /** Comma-separated paths under /tmp that the sandbox shows read-only (it hides /tmp): tools installed there. */
  WEFT_EXEC_SANDBOX_READONLY: list.default([]),
  /** MCP servers given by `command` (stdio), started on the worker under the exec sandbox; off unless set. */
  WEFT_MCP_STDIO: flag,
  /**
   * `on`: the worker's workflow threads collect a stack for every promise, for Temporal's stack-trace
   * queries (the UI's Stack Trace tab). Off by default: it cost the interpreter a fifth of its
   * workflow thread, and a run's state (`GET /runs/{id}`) says more about where it waits.
   */
  WEFT_WORKFLOW_STACK_TRACES: z.enum(['on', 'off']).default('off'),
  /** History events after which a run continues as new; lower it only to exercise continue-as-new. */
  WEFT_SEGMENT_EVENTS: z.coerce.number().int().min(100).max(9_000).default(SEGMENT_EVENTS),
  /** Comma-separated plugins to load: shipped names (webhook, slack, github), module specifiers or file paths. */
  WEFT_PLUGINS: list,
  /** A directory of plugins (`.js`, `.mjs`, `.ts` files and package folders). Default: <WEFT_DATA_DIR>/plugins. */
  WEFT_PLUGIN_DIR: optionalText,
  /** OpenID Connect sign-in for the dashboard (weft-ops §15): on when the issuer, client id and secret are all set. */
  WEFT_OIDC_ISSUER: optionalText.pipe(z.url().optional()),
  WEFT_OIDC_CLIENT_ID: optionalText,
  WEFT_OIDC_CLIENT_SECRET: optionalText,
  /** Where the provider sends people back; default `<the request's origin>/auth/callback`. */
  WEFT_OIDC_REDIRECT_URL: optionalText.pipe(z.url().optional()),
  /** The provider's name on the button ("Sign in with <name>"); default: the issuer's host. */
  WEFT_OIDC_NAME: optionalText,
  WEFT_OIDC_SCOPES: z.string().default('openid email profile'),
  /** The ID token (or userinfo) claim whose values map to roles. */
  WEFT_OIDC_ROLE_CLAIM: z.string().min(1).default('groups'),
  /** JSON object: claim value → viewer | operator | admin; the highest mapped role wins. */
  WEFT_OIDC_ROLE_MAP: optionalText.pipe(z.string().optional()).transform((v, ctx) => parseRoleMap(v, ctx)),
  /** A session ends after this many minutes without a request, and after WEFT_SESSION_MAX_HOURS whatever the use. */
  WEFT_SESSION_IDLE_MINUTES: z.coerce.number().min(1).max(7 * 24 * 60).default(30),
  WEFT_SESSION_MAX_HOURS: z.coerce.number().min(1).max(30 * 24).default(12),
  /** How often the alerts evaluator runs (its Temporal Schedule's interval). */
  WEFT_ALERTS_INTERVAL: duration.default('30s'),
  /** Longest wait between two attempts of an alert notification's delivery (they start at 1s and double). */
  WEFT_ALERT_RETRY_MAX_INTERVAL: duration.default('1m'),
  /** Attempts of one delivery before it is logged as failed. */
  WEFT_ALERT_RETRY_ATTEMPTS: z.coerce.number().int().min(1).max(1_000).default(60),
  TEMPORAL_ADDRESS: z.string().default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_CLI: optionalText,
  DATABASE_URL: optionalText,
});

export type Config = z.infer<typeof configSchema>;

const roleMapSchema = z.record(z.string(), z.enum(roles));

function parseRoleMap(text: string | undefined, ctx: z.RefinementCtx): Record<string, Role> {
  if (text === undefined) return {};
  try {
    const parsed = roleMapSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: 'must be a JSON object of claim value → viewer, operator or admin' });
  return z.NEVER;
}

const OIDC_REQUIRED = ['WEFT_OIDC_ISSUER', 'WEFT_OIDC_CLIENT_ID', 'WEFT_OIDC_CLIENT_SECRET'] as const;

/** A setting is malformed; the message names each one. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment once, failing fast with every bad setting named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema
    .superRefine((c, ctx) => {
      const set = OIDC_REQUIRED.filter((name) => c[name] !== undefined);
      if (set.length > 0 && set.length < OIDC_REQUIRED.length) {
        for (const name of OIDC_REQUIRED.filter((n) => c[n] === undefined)) ctx.addIssue({ code: 'custom', path: [name], message: `required with ${set.join(', ')}` });
      }
    })
    .safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
