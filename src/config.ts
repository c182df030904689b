import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65_535);
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

/** Every setting Weft reads from the environment (see `.env.example`). */
export const configSchema = z.object({
  WEFT_PORT: port.default(8080),
  WEFT_HOST: z.string().default('127.0.0.1'),
  WEFT_DATA_DIR: z.string().default('.weft'),
  WEFT_TEMPORAL_PORT: port.default(7233),
  WEFT_TEMPORAL_UI_PORT: port.default(8233),
  WEFT_BOOTSTRAP_ADMIN_KEY: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  WEFT_TASK_QUEUE: z.string().min(1).default('weft'),
  WEFT_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEFT_MAX_BODY_BYTES: z.coerce.number().int().min(1_024).default(5 * 1024 * 1024),
  TEMPORAL_ADDRESS: z.string().default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_CLI: optionalText,
  DATABASE_URL: optionalText,
});

export type Config = z.infer<typeof configSchema>;

/** A setting is malformed; the message names each one. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment once, failing fast with every bad setting named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
