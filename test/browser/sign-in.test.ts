import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_DIST_DIR } from '../../src/dashboard/paths.js';
import { SESSION_COOKIE } from '../../src/api/sessions/cookies.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.js';
import { agentNode, createHarness, definition, type Harness } from '../support/harness.js';
import { claimsOf, startOidcProvider, type TestProvider } from '../support/oidc-provider.js';
import { auditRecords } from '../support/audit.js';

/**
 * Sign-in for teams (contract weft-ops §15) end to end: a real OpenID provider
 * (`oidc-provider`, its own login and consent pages) with an admin and a
 * viewer in two groups and one person in a group that maps to nothing; real
 * Chromium; Weft's API serving the built dashboard. Session time runs on a
 * clock the test moves, so idle expiry and renewal need no waiting.
 */
const accounts = {
  alice: { email: 'alice@example.com', name: 'Alice', groups: ['weft-admins', 'staff'] },
  bob: { email: 'bob@example.com', name: 'Bob', groups: ['weft-viewers'] },
  eve: { email: 'eve@example.com', name: 'Eve', groups: ['contractors'] },
};
const IDLE_MS = 10 * 60_000;

let idp: TestProvider;
let h: Harness;
let browser: Browser;
let offsetMs = 0;
const logs: string[] = [];

beforeAll(async () => {
  idp = await startOidcProvider({ accounts, weftUrl: () => h.url });
  const logStream = new PassThrough();
  logStream.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
  h = await createHarness({
    withoutWorker: true,
    logStream,
    dashboardDir: WEB_DIST_DIR,
    signIn: {
      oidc: {
        issuer: new URL(idp.issuer),
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        name: 'Test IdP',
        scopes: 'openid email profile groups',
        roleClaim: 'groups',
        roleMap: { 'weft-admins': 'admin', 'weft-viewers': 'viewer' },
      },
      sessions: { lifetimes: { idleMs: IDLE_MS, maxMs: 8 * 3_600_000 }, now: () => new Date(Date.now() + offsetMs) },
    },
  });
  expect((await h.api('POST', '/api/v1/workflows', definition('greet', [agentNode('hello', { text: 'hi' })]))).status).toBe(201);
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
});
afterAll(async () => {
  await browser?.close().catch(() => {});
  await h?.close();
  await idp?.close();
});

/** Through the dashboard's button and the provider's own login and consent pages; the page ends where Weft sent it back. */
async function signIn(context: BrowserContext, login: string, path = '/runs'): Promise<{ page: Page; status: number }> {
  const page = await context.newPage();
  await page.goto(h.url + path);
  await page.getByRole('button', { name: 'Sign in with Test IdP', exact: true }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('whatever');
  const back = page.waitForResponse((r) => r.url().startsWith(`${h.url}/auth/callback`));
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  const status = (await back).status();
  await page.waitForLoadState();
  return { page, status };
}

const sessionCookie = async (context: BrowserContext) => (await context.cookies(h.url)).find((c) => c.name === SESSION_COOKIE);

/** A call from the page itself (same origin, the cookie, and the CSRF token the dashboard would send). */
async function fromPage(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const status = (await (await fetch('/auth/status')).json()) as { session: { csrfToken: string } | null };
      const headers: Record<string, string> = { ...(status.session ? { 'x-csrf-token': status.session.csrfToken } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
      const res = await fetch(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    { method, path, body },
  );
}

/** Calls Weft from outside a browser with a session cookie (and whatever headers). */
const withCookie = (cookie: string, path: string, init: { method?: string; headers?: Record<string, string> } = {}) =>
  fetch(h.url + path, { method: init.method ?? 'GET', headers: { cookie: `${SESSION_COOKIE}=${cookie}`, ...init.headers } });

describe('signing in through the provider', () => {
  it('gives the admin and the viewer what their role may do, with an HttpOnly Lax cookie whose value is stored nowhere', async () => {
    const adminContext = await browser.newContext();
    const { page: admin, status } = await signIn(adminContext, 'alice');
    expect(status).toBe(303);
    await admin.getByRole('heading', { name: 'Runs' }).waitFor();
    expect(await admin.locator('[data-role]').textContent()).toBe('admin');
    expect(await admin.getByRole('link', { name: 'Keys' }).count()).toBe(1);
    expect(await admin.getByRole('link', { name: 'Audit' }).count()).toBe(1);
    await admin.goto(`${h.url}/workflows/greet`);
    await admin.getByRole('button', { name: 'Start run' }).waitFor();

    const cookie = (await sessionCookie(adminContext))!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });
    const whoami = await fromPage(admin, 'GET', '/api/v1/whoami');
    expect(whoami.body).toMatchObject({ kind: 'user', role: 'admin', name: 'Alice', ref: 'user:alice@example.com' });
    expect(JSON.stringify(whoami.body)).not.toContain(cookie.value);
    // A mutation by the session, audited under the user.
    expect((await fromPage(admin, 'POST', '/api/v1/workflows', definition('by-alice', [agentNode('a', { text: 'x' })]))).status).toBe(201);
    const audit = await auditRecords(h, 'actor=user:alice@example.com', 2);
    expect(audit.body.items.map((r: { action: string }) => r.action)).toEqual(['workflow.define', 'user.sign-in']);
    expect(audit.body.items[0].actor).toMatchObject({ keyId: null, ref: 'user:alice@example.com', role: 'admin', name: 'Alice' });

    const viewerContext = await browser.newContext();
    const { page: viewer } = await signIn(viewerContext, 'bob', '/workflows/greet');
    await viewer.getByRole('heading', { name: 'greet' }).waitFor();
    expect(await viewer.locator('[data-role]').textContent()).toBe('viewer');
    expect(await viewer.getByRole('button', { name: 'Start run' }).count()).toBe(0);
    expect(await viewer.getByRole('link', { name: 'Keys' }).count()).toBe(0);
    expect((await fromPage(viewer, 'POST', '/api/v1/runs', { workflow: 'greet' })).body.error.code).toBe('FORBIDDEN');
    expect((await fromPage(viewer, 'GET', '/api/v1/users')).status).toBe(403);

    const users = await h.api('GET', '/api/v1/users');
    expect(users.body.items.map((u: { email: string; role: string }) => [u.email, u.role])).toEqual([
      ['alice@example.com', 'admin'],
      ['bob@example.com', 'viewer'],
    ]);
    // Secrets nowhere: not the session ids or the client secret in the database, the logs or an answer.
    const viewerCookie = (await sessionCookie(viewerContext))!.value;
    const stored = JSON.stringify(await h.database.db.execute('select * from user_sessions, users'));
    const auditText = JSON.stringify(await h.database.db.execute('select * from audit_log'));
    for (const secret of [cookie.value, viewerCookie, idp.clientSecret]) {
      expect(stored).not.toContain(secret);
      expect(auditText).not.toContain(secret);
      expect(logs.join('')).not.toContain(secret);
    }
    expect(JSON.stringify(h.responses)).not.toContain(idp.clientSecret);
    await adminContext.close();
    await viewerContext.close();
  });

  it('refuses someone whose groups map to no role (403 page), lists them, and lets an admin grant a role', async () => {
    const context = await browser.newContext();
    const { page, status } = await signIn(context, 'eve');
    expect(status).toBe(403);
    await page.getByRole('heading', { name: 'No access' }).waitFor();
    expect(await sessionCookie(context)).toBeUndefined();
    const eve = (await h.api('GET', '/api/v1/users')).body.items.find((u: { email: string }) => u.email === 'eve@example.com');
    expect(eve).toMatchObject({ role: null, claimRole: null, roleOverride: null, name: 'Eve', subject: 'eve' });
    const denied = await h.api('GET', `/api/v1/audit?actor=user:eve@example.com`);
    expect(denied.body.items[0]).toMatchObject({ action: 'user.sign-in', outcome: 'denied', status: 403 });

    expect((await h.api('PATCH', `/api/v1/users/${eve.id}`, { role: 'operator' })).body).toMatchObject({ role: 'operator', roleOverride: 'operator' });
    // The provider remembers her: straight back, now with a role.
    await page.goto(`${h.url}/runs`);
    await page.getByRole('button', { name: 'Sign in with Test IdP', exact: true }).click();
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    expect(await page.locator('[data-role]').textContent()).toBe('operator');
    await context.close();
  });
});

describe('sessions', () => {
  it('renew while used and expire when idle', async () => {
    const context = await browser.newContext();
    const { page } = await signIn(context, 'alice');
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    const cookie = (await sessionCookie(context))!.value;
    const expiry = async () => ((await h.database.db.execute('select max(expires_at) as at from user_sessions where revoked_at is null')) as unknown as { at: string }[])[0]!.at;
    const first = await expiry();
    // Used past half its idle window: still in, and pushed forward.
    offsetMs += 0.6 * IDLE_MS;
    expect((await withCookie(cookie, '/api/v1/whoami')).status).toBe(200);
    const renewed = await expiry();
    expect(new Date(renewed).getTime()).toBeGreaterThan(new Date(first).getTime());
    // Past the first expiry, alive only thanks to the renewal.
    offsetMs += 0.6 * IDLE_MS;
    expect((await withCookie(cookie, '/api/v1/whoami')).status).toBe(200);
    // Then left idle for longer than the window: gone, and the dashboard asks to sign in again.
    offsetMs += 1.1 * IDLE_MS;
    const idle = await withCookie(cookie, '/api/v1/whoami');
    expect(idle.status).toBe(401);
    expect(idle.headers.get('set-cookie')).toContain(`${SESSION_COOKIE}=;`);
    await page.reload();
    await page.getByRole('button', { name: 'Sign in with Test IdP', exact: true }).waitFor();
    await context.close();
  });

  it('end at sign-out, at the provider too', async () => {
    const context = await browser.newContext();
    const { page } = await signIn(context, 'bob');
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    const cookie = (await sessionCookie(context))!.value;
    await page.getByRole('button', { name: 'Sign out' }).click();
    // The provider's RP-initiated logout page, then back to Weft's sign-in.
    await page.waitForURL((url) => url.href.startsWith(idp.issuer));
    await page.getByRole('button', { name: /sign me out/i }).click();
    await page.waitForURL(`${h.url}/`);
    await page.getByRole('button', { name: 'Sign in with Test IdP', exact: true }).waitFor();
    expect((await withCookie(cookie, '/api/v1/whoami')).status).toBe(401);
    expect((await h.api('GET', '/api/v1/audit?actor=user:bob@example.com&action=user.sign-out')).body.items).toHaveLength(1);
    await context.close();
  });

  it('end when an admin revokes them', async () => {
    const context = await browser.newContext();
    const { page } = await signIn(context, 'bob');
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    const bob = (await h.api('GET', '/api/v1/users')).body.items.find((u: { email: string }) => u.email === 'bob@example.com');
    expect((await h.api('DELETE', `/api/v1/users/${bob.id}/sessions`)).body.ended).toBeGreaterThanOrEqual(1);
    expect((await fromPage(page, 'GET', '/api/v1/whoami')).status).toBe(401);
    await page.reload();
    await page.getByRole('button', { name: 'Sign in with Test IdP', exact: true }).waitFor();
    await context.close();
  });
});

describe('refused', () => {
  /** The reasons Weft logged for refused sign-ins since `from`. */
  const refusals = (from: number) =>
    logs
      .slice(from)
      .join('')
      .split('\n')
      .filter((line) => line.includes('sign-in refused'))
      .map((line) => (JSON.parse(line) as { reason: string }).reason);

  /** Signs in as alice while the provider's token answer is rewritten; Weft must show the failure, for `reason`, and open no session. */
  async function refusedWith(tamper: TestProvider['tamper'], reason: RegExp): Promise<void> {
    idp.tamper = tamper;
    const from = logs.length;
    const context = await browser.newContext();
    try {
      const { page, status } = await signIn(context, 'alice');
      expect(status).toBe(401);
      await page.getByRole('heading', { name: 'Sign-in failed' }).waitFor();
      expect(await sessionCookie(context)).toBeUndefined();
      expect(refusals(from)).toEqual([expect.stringMatching(reason)]);
    } finally {
      idp.tamper = undefined;
      await context.close();
    }
  }

  it('a tampered ID token (claims changed, signature kept)', async () => {
    await refusedWith((token) => {
      const [header, , signature] = token.split('.');
      const forged = Buffer.from(JSON.stringify({ ...claimsOf(token), groups: ['weft-admins'], email: 'mallory@example.com' })).toString('base64url');
      return `${header}.${forged}.${signature}`;
    }, /JWT signature verification failed/);
  });

  it('an expired ID token, signed with the provider key', async () => {
    const now = Math.floor(Date.now() / 1000);
    await refusedWith((token, resign) => resign({ ...claimsOf(token), iat: now - 7200, exp: now - 3600 }), /"exp" \(expiration time\) claim value, expiration is past/);
  });

  it('an ID token with another nonce, signed with the provider key', async () => {
    await refusedWith((token, resign) => resign({ ...claimsOf(token), nonce: 'not-the-nonce-weft-sent' }), /unexpected ID Token "nonce" claim value/);
  });

  it('a callback with the wrong state, or none started here', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const from = logs.length;
    // Start a sign-in (the login cookie is set), then come back with another state.
    await page.goto(`${h.url}/auth/login`);
    await page.locator('input[name="login"]').waitFor();
    const wrong = await page.goto(`${h.url}/auth/callback?code=stolen-code&state=not-the-state&iss=${encodeURIComponent(idp.issuer)}`);
    expect(wrong!.status()).toBe(401);
    expect(refusals(from)).toEqual([expect.stringMatching(/unexpected "state" response parameter value/)]);
    // The attempt is spent: the same callback again has no sign-in to finish.
    const again = await page.goto(`${h.url}/auth/callback?code=stolen-code&state=not-the-state`);
    expect(again!.status()).toBe(400);
    expect(await sessionCookie(context)).toBeUndefined();
    await context.close();
  });

  it('a cross-site POST that carries the cookie, and a same-origin one without the CSRF token', async () => {
    const context = await browser.newContext();
    const { page } = await signIn(context, 'alice');
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    const cookie = (await sessionCookie(context))!.value;
    // Another origin of the same site (a port of 127.0.0.1): the Lax cookie rides along.
    const evil: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><script>fetch(${JSON.stringify(`${h.url}/api/v1/runs/some-run/cancel`)}, { method: 'POST', mode: 'no-cors', credentials: 'include' }).then(() => document.title = 'sent', () => document.title = 'sent');</script>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const evilPage = await context.newPage();
    await evilPage.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
    await evilPage.waitForFunction(() => (globalThis as unknown as { document: { title: string } }).document.title === 'sent');
    evil.close();
    const records = (await h.api('GET', '/api/v1/audit?actor=user:alice@example.com&action=run.cancel')).body.items;
    expect(records[0]).toMatchObject({ outcome: 'denied', status: 403, details: { code: 'FORBIDDEN' } });

    const { session } = (await (await withCookie(cookie, '/auth/status')).json()) as { session: { csrfToken: string } };
    const cancel = (headers: Record<string, string>) => withCookie(cookie, '/api/v1/runs/some-run/cancel', { method: 'POST', headers });
    expect((await cancel({ origin: 'http://evil.example', 'x-csrf-token': session.csrfToken })).status).toBe(403);
    expect((await cancel({ 'x-csrf-token': session.csrfToken })).status).toBe(403);
    expect((await cancel({ origin: h.url })).status).toBe(403);
    expect((await cancel({ origin: h.url, 'x-csrf-token': 'x'.repeat(43) })).status).toBe(403);
    // With both, it passes the guard (and finds no such run).
    expect((await cancel({ origin: h.url, 'x-csrf-token': session.csrfToken })).status).toBe(404);
    await context.close();
  });
});
