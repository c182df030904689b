import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the API is and which key to send. */
export interface Connection {
  url: string;
  key: string | null;
}

/** The options every API command takes (global on the program). */
export interface ConnectionOptions {
  url?: string;
  key?: string;
}

export const DEFAULT_URL = 'http://127.0.0.1:8080';

/**
 * `--url` / `WEFT_URL` / the default; `--key` / `WEFT_KEY` / the admin key
 * `weft dev` keeps in `<WEFT_DATA_DIR>/admin-key`, so a local setup needs no key handling.
 */
export function resolveConnection(options: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): Connection {
  const url = (options.url ?? env.WEFT_URL ?? DEFAULT_URL).replace(/\/+$/, '');
  const key = options.key ?? env.WEFT_KEY ?? readDevKey(env.WEFT_DATA_DIR ?? '.weft');
  return { url, key };
}

function readDevKey(dataDir: string): string | null {
  const file = join(dataDir, 'admin-key');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}
