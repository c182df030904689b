import { and, eq, gt, lte } from 'drizzle-orm';
import type { Db } from './client.js';
import { cacheEntries } from './schema/cache.js';

/** The node result cache; expired entries are never returned and are purged on write. */
export class CacheRepo {
  constructor(private readonly db: Db) {}

  async get(key: string): Promise<unknown | undefined> {
    const [row] = await this.db.select({ value: cacheEntries.value }).from(cacheEntries).where(and(eq(cacheEntries.key, key), gt(cacheEntries.expiresAt, new Date())));
    return row?.value;
  }

  async put(key: string, nodeType: string, value: unknown, ttlMs: number): Promise<void> {
    const expiresAt = new Date(Date.now() + ttlMs);
    await this.db
      .insert(cacheEntries)
      .values({ key, nodeType, value, expiresAt })
      .onConflictDoUpdate({ target: cacheEntries.key, set: { value, expiresAt, createdAt: new Date() } });
    await this.db.delete(cacheEntries).where(lte(cacheEntries.expiresAt, new Date()));
  }
}
