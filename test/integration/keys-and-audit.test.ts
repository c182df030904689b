import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { hashApiKey } from '../../src/db/api-keys-repo.js';
import { apiKeys } from '../../src/db/schema/api-keys.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, createHarness, definition, OPERATOR_KEY, VIEWER_KEY, type Harness } from '../support/harness.js';
import { expectResponsesMatchDocument } from '../support/openapi-conformance.js';
import { auditOf } from '../support/audit.js';

/** Contract weft-ops §3: keys, roles and the audit log, on the real API and PostgreSQL. */
let h: Harness;
beforeAll(async () => {
  h = await createHarness({ withoutWorker: true });
});
afterAll(async () => {
  await h?.close();
});

async function createKey(role: string, extra: Record<string, unknown> = {}) {
  const res = await h.api('POST', '/api/v1/keys', { name: `${role}-key`, role, ...extra });
  expect(res.status).toBe(201);
  return res.body as { id: string; key: string; prefix: string; role: string };
}


describe('keys', () => {
  it('creates a key shown once, lists it without key or hash, and it works at its role', async () => {
    const created = await h.api('POST', '/api/v1/keys', { name: 'ci', role: 'viewer' });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'key', 'name', 'prefix', 'role']);
    expect(created.body.key).toMatch(/^weft_[A-Za-z0-9_-]{43}$/);
    expect(created.body.key.startsWith(created.body.prefix)).toBe(true);
    expect(created.body.expiresAt).toBeNull();

    const rows = await h.database.db.query.apiKeys.findMany();
    expect(JSON.stringify(rows)).not.toContain(created.body.key);

    expect((await h.api('GET', '/api/v1/runs', undefined, { key: created.body.key })).status).toBe(200);
    expect((await h.api('POST', '/api/v1/runs', {}, { key: created.body.key })).status).toBe(403);

    const listed = await h.api('GET', '/api/v1/keys');
    const item = listed.body.items.find((k: { id: string }) => k.id === created.body.id);
    expect(Object.keys(item).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'role']);
    expect(item.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed.body)).not.toMatch(/weft_[A-Za-z0-9_-]{43}|[0-9a-f]{64}/);
  });

  it('writes lastUsedAt at most once a minute, not on every request', async () => {
    const { id, key } = await createKey('viewer');
    await h.api('GET', '/api/v1/workflows', undefined, { key });
    const first = (await h.database.db.query.apiKeys.findFirst({ where: (k, { eq }) => eq(k.id, id) }))!.lastUsedAt;
    expect(first).not.toBeNull();
    await h.api('GET', '/api/v1/workflows', undefined, { key });
    const second = (await h.database.db.query.apiKeys.findFirst({ where: (k, { eq }) => eq(k.id, id) }))!.lastUsedAt;
    expect(second).toEqual(first);
  });

  it('refuses a revoked key from the next request on, and an expired key', async () => {
    const { id, key } = await createKey('operator');
    expect((await h.api('GET', '/api/v1/runs', undefined, { key })).status).toBe(200);
    expect((await h.api('DELETE', `/api/v1/keys/${id}`)).status).toBe(204);
    const after = await h.api('GET', '/api/v1/runs', undefined, { key });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
    const listed = (await h.api('GET', '/api/v1/keys')).body.items.find((k: { id: string }) => k.id === id);
    expect(listed.revokedAt).not.toBeNull();

    const soon = await createKey('viewer', { expiresAt: new Date(Date.now() + 1_500).toISOString() });
    expect((await h.api('GET', '/api/v1/runs', undefined, { key: soon.key })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_600));
    expect((await h.api('GET', '/api/v1/runs', undefined, { key: soon.key })).status).toBe(401);
  });

  it('refuses to revoke the last active admin key, also when two revocations race', async () => {
    const second = await createKey('admin');
    const admins = (await h.api('GET', '/api/v1/keys')).body.items.filter((k: { role: string; revokedAt: string | null }) => k.role === 'admin' && !k.revokedAt);
    expect(admins).toHaveLength(2);
    // Each revokes the other admin key at once: exactly one may win.
    const [a, b] = await Promise.all(admins.map((k: { id: string }) => h.api('DELETE', `/api/v1/keys/${k.id}`, undefined, { key: k.id === second.id ? ADMIN_KEY : second.key })));
    // The loser is refused by the last-admin rule (409), or, when the winner's revocation landed before
    // the loser was even authenticated, by its own key being revoked (401): either way one wins.
    const statuses = [a!.status, b!.status].sort();
    expect(statuses[0]).toBe(204);
    expect([401, 409]).toContain(statuses[1]);
    const loser = [a!, b!].find((r) => r.status !== 204)!;
    expect(loser.body.error.code).toBe(loser.status === 409 ? 'CONFLICT' : 'UNAUTHENTICATED');
    const active = (await h.repos.apiKeys.list()).filter((k) => k.role === 'admin' && !k.revokedAt);
    expect(active).toHaveLength(1);
    const survivor = active[0]!.id === second.id ? second.key : ADMIN_KEY;
    expect((await h.api('DELETE', `/api/v1/keys/${active[0]!.id}`, undefined, { key: survivor })).status).toBe(409);
    // Give the suite's admin key back to the tests that follow, whichever lost the race.
    await h.database.db.update(apiKeys).set({ revokedAt: null }).where(eq(apiKeys.keyHash, hashApiKey(ADMIN_KEY)));
  });

  it('answers bad input with a coded 4xx and creates nothing', async () => {
    expect((await h.api('GET', '/api/v1/keys', undefined, { key: OPERATOR_KEY })).status).toBe(403);
    const count = async () => (await h.database.db.query.apiKeys.findMany()).length;
    const n = await count();
    for (const body of [{}, { name: 'x', role: 'root' }, { name: '', role: 'viewer' }, { name: 'x', role: 'viewer', expiresAt: 'tomorrow' }, { name: 'x', role: 'viewer', expiresAt: '2001-01-01T00:00:00Z' }, { name: 'x', role: 'viewer', key: 'mine' }, [1]]) {
      const res = await h.api('POST', '/api/v1/keys', body);
      expect([res.status, res.body.error?.code]).toEqual([400, 'BAD_REQUEST']);
    }
    expect((await h.api('DELETE', '/api/v1/keys/not-a-uuid')).status).toBe(400);
    expect((await h.api('DELETE', '/api/v1/keys/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect(await count()).toBe(n);
  });
});

describe('audit', () => {
  it('records every mutating request that passed authentication: ok, denied and error, never bodies or keys', async () => {
    const ok = await h.api('POST', '/api/v1/workflows', definition('audited-wf', [{ id: 'a', type: 'transform', output: 1 }]), { key: OPERATOR_KEY, headers: { 'x-request-id': 'audit-ok', 'user-agent': 'audit-test/1' } });
    expect(ok.status).toBe(201);
    const denied = await h.api('POST', '/api/v1/keys', { name: 'sneaky', role: 'admin' }, { key: VIEWER_KEY, headers: { 'x-request-id': 'audit-denied' } });
    expect(denied.status).toBe(403);
    const failed = await h.api('POST', '/api/v1/runs/run_nope/cancel', undefined, { key: OPERATOR_KEY, headers: { 'x-request-id': 'audit-error' } });
    expect(failed.status).toBe(404);
    const created = await h.api('POST', '/api/v1/keys', { name: 'audited-key', role: 'viewer' }, { headers: { 'x-request-id': 'audit-key' } });
    await h.api('POST', '/api/v1/nowhere', {}, { key: OPERATOR_KEY, headers: { 'x-request-id': 'audit-unrouted' } });
    await h.api('POST', '/api/v1/workflows', {}, { key: null, headers: { 'x-request-id': 'audit-anonymous' } });
    await h.api('POST', '/api/v1/workflows/validate', definition('read-only', [{ id: 'a', type: 'transform', output: 1 }]), { key: VIEWER_KEY, headers: { 'x-request-id': 'audit-read' } });

    expect(await auditOf(h, 'audit-ok')).toMatchObject({
      action: 'workflow.define',
      target: 'audited-wf@1',
      outcome: 'ok',
      status: 201,
      actor: { keyId: expect.any(String), name: 'operator', role: 'operator' },
      ip: expect.any(String),
      userAgent: 'audit-test/1',
      at: expect.any(String),
    });
    expect(await auditOf(h, 'audit-denied')).toMatchObject({ action: 'key.create', outcome: 'denied', status: 403, actor: { name: 'viewer', role: 'viewer' }, details: { code: 'FORBIDDEN' } });
    expect(await auditOf(h, 'audit-error')).toMatchObject({ action: 'run.cancel', target: 'run_nope', outcome: 'error', status: 404, details: { code: 'NOT_FOUND' } });
    const keyRecord = await auditOf(h, 'audit-key');
    expect(keyRecord).toMatchObject({ action: 'key.create', target: created.body.id, outcome: 'ok', details: { name: 'audited-key', role: 'viewer' } });
    expect(JSON.stringify(keyRecord)).not.toContain(created.body.key);
    expect(await auditOf(h, 'audit-unrouted')).toMatchObject({ action: 'request.unrouted', target: 'POST /api/v1/nowhere', outcome: 'error', status: 404 });

    // Anonymous calls did not pass authentication, and validation changes nothing: neither is audited.
    await auditOf(h, 'audit-unrouted');
    const all = (await h.api('GET', '/api/v1/audit?limit=200')).body.items.map((r: { requestId: string }) => r.requestId);
    expect(all).not.toContain('audit-anonymous');
    expect(all).not.toContain('audit-read');
  });

  it('filters by actor, action, outcome and time, newest first, in keyset pages', async () => {
    for (let i = 0; i < 5; i++) await h.api('POST', '/api/v1/runs/run_nope/pause', undefined, { key: OPERATOR_KEY, headers: { 'x-request-id': `page-${i}` } });
    await auditOf(h, 'page-4');
    const operatorId = (await auditOf(h, 'page-0')).actor.keyId;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { requestId: string; id: number }[]; nextCursor: string | null } } = await h.api('GET', `/api/v1/audit?action=run.pause&actor=${operatorId}&outcome=error&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.items.map((r) => r.requestId));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['page-4', 'page-3', 'page-2', 'page-1', 'page-0']);

    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await h.api('GET', `/api/v1/audit?since=${encodeURIComponent(future)}`)).body.items).toEqual([]);
    expect((await h.api('GET', `/api/v1/audit?until=${encodeURIComponent('2000-01-01T00:00:00Z')}`)).body.items).toEqual([]);
    for (const bad of ['outcome=maybe', 'limit=0', 'limit=201', 'since=yesterday', 'cursor=abc', 'cursor=-1', `since=${encodeURIComponent(future)}&until=2000-01-01T00:00:00Z`]) {
      const res = await h.api('GET', `/api/v1/audit?${bad}`);
      expect([bad, res.status, res.body.error.code]).toEqual([bad, 400, 'BAD_REQUEST']);
    }
    expect((await h.api('GET', '/api/v1/audit', undefined, { key: OPERATOR_KEY })).status).toBe(403);
  });

  it('is append-only in the database: UPDATE, DELETE and TRUNCATE fail', async () => {
    const sql = postgres(h.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const count = async () => Number((await sql<{ n: string }[]>`select count(*) as n from audit_log`)[0]!.n);
      const before = await count();
      expect(before).toBeGreaterThan(0);
      await expect(sql`update audit_log set action = 'forged'`).rejects.toThrow(/append-only/);
      await expect(sql`delete from audit_log`).rejects.toThrow(/append-only/);
      await expect(sql`truncate audit_log`).rejects.toThrow(/append-only/);
      expect(await count()).toBe(before);
    } finally {
      await sql.end();
    }
  });
});

describe('OpenAPI document', () => {
  it('describes every response this file received', async () => {
    expect(await expectResponsesMatchDocument(h)).toBeGreaterThan(30);
  });
});
