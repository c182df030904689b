import { resolve } from 'node:path';
import type { Config } from '../config.js';
import { parseDuration } from '../dag/duration.js';
import { loadPricing, type PricingTable } from '../pricing/pricing.js';
import { loadTiers, type TierTable } from '../pricing/tiers.js';
import { SecretStore } from './secrets.js';

/** Everything activities need from the worker's configuration, resolved once at start. */
export interface ActivitySettings {
  anthropicBaseUrl?: string | undefined;
  openaiBaseUrl?: string | undefined;
  pricing: PricingTable;
  tiers: TierTable;
  secrets: SecretStore;
  http: { allowPrivate: boolean; allowHosts: string[]; maxResponseBytes: number };
  exec: { enabled: boolean; workspace: string; envAllow: string[]; maxOutputBytes: number; sandboxReadOnly: string[] };
  /** `stdio`: MCP servers given by `command` may be started (they run in the exec sandbox, under `exec.workspace`). */
  mcp: { stdio: boolean };
  /** Alert notifications' delivery retries: the longest wait between attempts, and how many attempts. */
  alertRetry: AlertRetry;
}

/** How a notification's delivery is retried (weft-ops §13). */
export interface AlertRetry {
  maxIntervalMs: number;
  attempts: number;
}

export function activitySettings(config: Config, env: NodeJS.ProcessEnv = process.env): ActivitySettings {
  return {
    anthropicBaseUrl: config.WEFT_ANTHROPIC_BASE_URL,
    openaiBaseUrl: config.WEFT_OPENAI_BASE_URL,
    pricing: loadPricing(config.WEFT_PRICING_FILE),
    tiers: loadTiers(config.WEFT_MODEL_TIERS),
    secrets: SecretStore.fromEnv(env),
    http: { allowPrivate: config.WEFT_HTTP_ALLOW_PRIVATE, allowHosts: config.WEFT_HTTP_ALLOW_HOSTS ?? [], maxResponseBytes: config.WEFT_HTTP_MAX_RESPONSE_BYTES },
    exec: {
      enabled: config.WEFT_EXEC === 'on',
      workspace: resolve(config.WEFT_EXEC_WORKSPACE ?? `${config.WEFT_DATA_DIR}/workspace`),
      envAllow: config.WEFT_EXEC_ENV_ALLOW ?? [],
      maxOutputBytes: config.WEFT_EXEC_MAX_OUTPUT_BYTES,
      sandboxReadOnly: config.WEFT_EXEC_SANDBOX_READONLY ?? [],
    },
    mcp: { stdio: config.WEFT_MCP_STDIO },
    alertRetry: { maxIntervalMs: parseDuration(config.WEFT_ALERT_RETRY_MAX_INTERVAL), attempts: config.WEFT_ALERT_RETRY_ATTEMPTS },
  };
}
