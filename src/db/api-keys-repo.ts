import { createHash, randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from './client.js';
import { apiKeys, type Role } from './schema/api-keys.js';

/** The stored form of a key: its sha256, never the key itself. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export interface ApiKeyIdentity {
  id: string;
  name: string;
  role: Role;
}

export class ApiKeysRepo {
  constructor(private readonly db: Db) {}

  /** The active key with this plaintext, if any. */
  async authenticate(key: string): Promise<ApiKeyIdentity | undefined> {
    const [row] = await this.db
      .select({ id: apiKeys.id, name: apiKeys.name, role: apiKeys.role })
      .from(apiKeys)
      .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)));
    return row;
  }

  /** Stores a key unless one with the same hash exists (bootstrap runs at every start). */
  async ensure(key: string, name: string, role: Role): Promise<void> {
    await this.db.insert(apiKeys).values({ id: randomUUID(), name, keyHash: hashApiKey(key), role }).onConflictDoNothing({ target: apiKeys.keyHash });
  }
}
