import { resolve } from 'node:path';
import type { Config } from '../config.js';
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
  exec: { enabled: boolean; workspace: string; envAllow: string[]; maxOutputBytes: number };
  /** `stdio`: MCP servers given by `command` may be started (they run in the exec sandbox, under `exec.workspace`). */
  mcp: { stdio: boolean };
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
    },
    mcp: { stdio: config.WEFT_MCP_STDIO },
  };
}
