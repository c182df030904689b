import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The development admin key: `WEFT_BOOTSTRAP_ADMIN_KEY` if set, otherwise one kept
 * in `<dataDir>/admin-key` (made on first start, readable by its owner only), so
 * `npm start` works with no setup and the key survives restarts.
 */
export function devAdminKey(dataDir: string, configured: string | undefined): { key: string; file: string | null } {
  if (configured) return { key: configured, file: null };
  const file = join(dataDir, 'admin-key');
  if (existsSync(file)) return { key: readFileSync(file, 'utf8').trim(), file };
  mkdirSync(dataDir, { recursive: true });
  const key = `weft_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return { key, file };
}
