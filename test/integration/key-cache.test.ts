import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeysRepo } from '../../src/db/api-keys-repo.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createTestDatabase } from '../support/harness.js';
import { waitFor } from '../support/processes.js';

/**
 * The API trusts an active key for a few seconds (one database read per key
 * and window instead of per request): a revocation through the same process
 * counts at once, one through another process once the window has passed.
 * Two repositories over one database stand for two API processes; the clock is
 * moved, not waited for.
 */
let database: Database;
beforeAll(async () => {
  database = await openDatabase({ url: await createTestDatabase(), dataDir: '', migrate: true, maxConnections: 2 });
});
afterAll(async () => {
  await database?.close();
});

describe('the key check cache', () => {
  it('bounds how long another process trusts a revoked key; the revoking process stops at once', async () => {
    let now = 1_000_000;
    const here = new ApiKeysRepo(database.db, { ttlMs: 5_000, now: () => now });
    const there = new ApiKeysRepo(database.db, { ttlMs: 5_000, now: () => now });
    await here.create({ name: 'keep', role: 'admin', expiresAt: null });
    const { key, info } = await here.create({ name: 'k', role: 'operator', expiresAt: null });
    expect(await here.authenticate(key)).toEqual({ id: info.id, name: 'k', role: 'operator', prefix: info.prefix });
    expect(await there.authenticate(key)).toMatchObject({ id: info.id });

    expect(await here.revoke(info.id)).toBe('revoked');
    expect(await here.authenticate(key)).toBeUndefined();
    // The other process still trusts it within the window, and not after.
    now += 4_999;
    expect(await there.authenticate(key)).toMatchObject({ id: info.id });
    now += 2;
    expect(await there.authenticate(key)).toBeUndefined();
  });

  it('never trusts a key past its expiry, and never remembers an unknown key', async () => {
    // A window far longer than the key lives: the key must stop working at its expiry (the database's clock), not the window's end.
    const keys = new ApiKeysRepo(database.db, { ttlMs: 600_000 });
    const { key } = await keys.create({ name: 'short', role: 'viewer', expiresAt: new Date(Date.now() + 1_500) });
    expect(await keys.authenticate(key)).toBeDefined();
    await waitFor(async () => ((await keys.authenticate(key)) === undefined ? true : undefined), 'the expired key to fail', 20_000);

    const later = await keys.create({ name: 'new', role: 'viewer', expiresAt: null });
    const unknown = `${later.key}x`;
    expect(await keys.authenticate(unknown)).toBeUndefined();
    expect(await keys.authenticate(later.key)).toBeDefined();
  });
});
