import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, asc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { apiKeys, type ApiKeyRow, type Role } from './schema/api-keys.js';

/**
 * The stored form of a key: its sha256, never the key itself. A fast hash is
 * enough because generated keys carry 256 random bits: no dictionary or brute
 * force reaches them, so a slow password hash (bcrypt, argon2) would only cost
 * latency on every request, and a deterministic hash lets authentication find
 * the key by an indexed equality lookup.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Characters of a generated key shown in lists (`weft_` and 8 more: 48 of its 256 bits). */
const PREFIX_LENGTH = 13;

/** A new key: `weft_` and 43 base64url characters (32 random bytes). */
export function generateApiKey(): string {
  return `weft_${randomBytes(32).toString('base64url')}`;
}

export interface ApiKeyIdentity {
  id: string;
  name: string;
  role: Role;
  prefix: string | null;
}

/** A key as listed: never the key or its hash. */
export type ApiKeyInfo = Omit<ApiKeyRow, 'keyHash'>;

/** What revoking a key came to. */
export type RevokeResult = 'revoked' | 'not_found' | 'last_admin';

const info = {
  id: apiKeys.id,
  name: apiKeys.name,
  role: apiKeys.role,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  expiresAt: apiKeys.expiresAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

/** Not revoked and not expired, as of the database's clock. */
const active = and(isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql`now()`)));

/** How long a process trusts a key it found active: the longest a revocation made by another process takes to count here. */
export const KEY_CACHE_MS = 5_000;
/** Keys a process remembers at most (the least recently read go first). */
const KEY_CACHE_SIZE = 1_000;

export interface KeyCacheOptions {
  /** How long an active key is trusted without reading it again (0: read every time). */
  ttlMs?: number;
  /** The clock (tests move it). */
  now?: () => number;
}

export class ApiKeysRepo {
  /** Active keys by hash, trusted until `until`. Unknown keys are never remembered, so a new key works at once and guessing fills nothing. */
  private readonly trusted = new Map<string, { identity: ApiKeyIdentity; until: number }>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    cache: KeyCacheOptions = {},
  ) {
    this.ttlMs = cache.ttlMs ?? KEY_CACHE_MS;
    this.now = cache.now ?? Date.now;
  }

  /**
   * The active key with this plaintext, if any. A key found active is trusted
   * for {@link KEY_CACHE_MS} (never past its expiry): a revocation through this
   * process counts from the next request, one through another API process
   * within that delay. Saves a database read on nearly every request.
   */
  async authenticate(key: string): Promise<ApiKeyIdentity | undefined> {
    const hash = hashApiKey(key);
    const now = this.now();
    const known = this.trusted.get(hash);
    this.trusted.delete(hash);
    if (known && known.until > now) {
      this.trusted.set(hash, known);
      return known.identity;
    }
    const [row] = await this.db
      .select({ id: apiKeys.id, name: apiKeys.name, role: apiKeys.role, prefix: apiKeys.prefix, expiresAt: apiKeys.expiresAt })
      .from(apiKeys)
      .where(and(eq(apiKeys.keyHash, hash), active));
    if (!row) return undefined;
    const { expiresAt, ...identity } = row;
    if (this.ttlMs > 0) {
      if (this.trusted.size >= KEY_CACHE_SIZE) this.trusted.delete(this.trusted.keys().next().value!);
      this.trusted.set(hash, { identity, until: Math.min(now + this.ttlMs, expiresAt?.getTime() ?? Number.POSITIVE_INFINITY) });
    }
    return identity;
  }

  /** Stores a key unless one with the same hash exists (bootstrap runs at every start). */
  async ensure(key: string, name: string, role: Role): Promise<void> {
    await this.db.insert(apiKeys).values({ id: randomUUID(), name, keyHash: hashApiKey(key), role }).onConflictDoNothing({ target: apiKeys.keyHash });
  }

  /** Creates a key; the plaintext is returned here once and never stored. */
  async create(input: { name: string; role: Role; expiresAt: Date | null }): Promise<{ key: string; info: ApiKeyInfo }> {
    const key = generateApiKey();
    const [row] = await this.db
      .insert(apiKeys)
      .values({ id: randomUUID(), name: input.name, role: input.role, expiresAt: input.expiresAt, keyHash: hashApiKey(key), prefix: key.slice(0, PREFIX_LENGTH) })
      .returning(info);
    return { key, info: row! };
  }

  /** Every key, oldest first. */
  async list(): Promise<ApiKeyInfo[]> {
    return this.db.select(info).from(apiKeys).orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
  }

  /**
   * Revokes a key, unless it is the last active admin key. The active admin rows
   * are locked first, so two revocations racing for the last two admin keys
   * cannot both see the other as the one that remains. Revoking a revoked key
   * changes nothing and counts as done.
   */
  async revoke(id: string): Promise<RevokeResult> {
    const result = await this.db.transaction(async (tx): Promise<RevokeResult> => {
      const [target] = await tx.select({ role: apiKeys.role, revokedAt: apiKeys.revokedAt }).from(apiKeys).where(eq(apiKeys.id, id));
      if (!target) return 'not_found';
      if (target.revokedAt) return 'revoked';
      const admins = await tx.select({ id: apiKeys.id }).from(apiKeys).where(and(eq(apiKeys.role, 'admin'), active)).for('update');
      if (admins.some((a) => a.id === id) && admins.length === 1) return 'last_admin';
      await tx.update(apiKeys).set({ revokedAt: sql`now()` }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
      return 'revoked';
    });
    // This process stops trusting the key at once; others within KEY_CACHE_MS.
    if (result === 'revoked') for (const [hash, known] of this.trusted) if (known.identity.id === id) this.trusted.delete(hash);
    return result;
  }

  /** Records a use, unless one was recorded in the last minute (by any process). */
  async touch(id: string): Promise<void> {
    await this.db
      .update(apiKeys)
      .set({ lastUsedAt: sql`now()` })
      .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - interval '1 minute'`))));
  }
}
