import { createHash } from 'node:crypto';
import { canonicalJson } from '../dag/parse.js';
import type { CacheRepo } from '../db/cache-repo.js';
import type { Logger } from '../logger.js';

/**
 * The node result cache around one attempt. The key hashes the node type and
 * everything the workflow resolved (config and inputs); templates that read
 * secrets enter as written, never their values. A cache outage only costs a miss.
 */
export function nodeCache(repo: Pick<CacheRepo, 'get' | 'put'>, logger: Logger, nodeType: string, keyMaterial: unknown) {
  const key = createHash('sha256').update(`${nodeType}\n${canonicalJson(keyMaterial)}`).digest('hex');
  return {
    async get<T>(): Promise<T | undefined> {
      try {
        return (await repo.get(key)) as T | undefined;
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'cache read failed; calling through');
        return undefined;
      }
    },
    async put(value: unknown, ttlMs: number): Promise<void> {
      try {
        await repo.put(key, nodeType, value, ttlMs);
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'cache write failed');
      }
    },
  };
}
