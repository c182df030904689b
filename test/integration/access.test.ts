import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAccess, roleAllows } from '../../src/api/access.js';
import { DEFAULT_SESSIONS } from '../../src/api/app.js';
import { csrfTokenFor, SESSION_COOKIE } from '../../src/api/sessions/cookies.js';
import type { Role } from '../../src/db/schema/api-keys.js';
import { ADMIN_KEY, createHarness, OPERATOR_KEY, VIEWER_KEY, type Harness } from '../support/harness.js';

/** Contract weft-ops §3: every route of the app × every role → the status the access table implies. */
let h: Harness;
/** A session per role (weft-ops §15): a user whose override gives the role, and the session's cookie value and CSRF token. */
const sessionCallers: { role: Role; cookie: string; csrfToken: string }[] = [];
beforeAll(async () => {
  h = await createHarness({ withoutWorker: true });
  for (const role of ['viewer', 'operator', 'admin'] as const) {
    const user = await h.repos.users.signedIn({ issuer: 'https://idp.example', subject: role, email: `${role}@example.com`, name: role, claimRole: role }, new Date());
    const { id } = await h.repos.sessions.open(user.id, new Date(), DEFAULT_SESSIONS.lifetimes);
    sessionCallers.push({ role, cookie: `${SESSION_COOKIE}=${id}`, csrfToken: csrfTokenFor(id) });
  }
});
afterAll(async () => {
  await h?.close();
});

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** Every (method, pattern) registered in the app, walking sub-routers mounted without a path. */
function registeredRoutes(app: Express): { method: string; pattern: string }[] {
  const found: { method: string; pattern: string }[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) found.push({ method: method.toUpperCase(), pattern: layer.route.path });
      } else if (layer.handle.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found;
}

const callers: { role: Role | null; key: string | null }[] = [
  { role: null, key: null },
  { role: 'viewer', key: VIEWER_KEY },
  { role: 'operator', key: OPERATOR_KEY },
  { role: 'admin', key: ADMIN_KEY },
];

/** Opens a server-sent event stream, reads its status (and error body, if refused), and hangs up. */
async function openStream(path: string, key: string | null, cookie?: string): Promise<{ status: number; body: any }> {
  const controller = new AbortController();
  const res = await fetch(h.url + path, { headers: key ? { authorization: `Bearer ${key}` } : cookie ? { cookie } : {}, signal: controller.signal });
  const body = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
  controller.abort();
  return { status: res.status, body };
}

describe('the access table', () => {
  it('has an entry for every registered route', () => {
    const routes = registeredRoutes(h.app);
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.filter((r) => !findAccess(r.method, r.pattern)).map((r) => `${r.method} ${r.pattern}`)).toEqual([]);
  });

  it('answers every route as its entry says, for each role signed in with a session (cookie, CSRF token, same Origin)', async () => {
    const mismatches: string[] = [];
    for (const { method, pattern } of registeredRoutes(h.app)) {
      const access = findAccess(method, pattern)!;
      const path = pattern.replace(/:(\w+)/g, (_m, name: string) => (name === 'id' && /^\/api\/v1\/(keys|users)/.test(pattern) ? '00000000-0000-4000-8000-000000000000' : `no-such-${name}`));
      // Signing out would end the session the rest of the matrix uses.
      if (pattern === '/auth/logout') continue;
      for (const { role, cookie, csrfToken } of sessionCallers) {
        const headers = { cookie, 'x-csrf-token': csrfToken, origin: h.url };
        const res = pattern.endsWith('/events') ? await openStream(path, null, cookie) : await h.api(method, path, undefined, { key: null, headers });
        const expected = access.role === 'public' || roleAllows(role, access.role) ? 'passes' : 403;
        const got = res.status === 401 || res.status === 403 ? res.status : 'passes';
        if (got !== expected) mismatches.push(`${method} ${pattern} as a ${role} session: expected ${expected}, got ${res.status}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('answers every route as its entry says, for no key and each role', async () => {
    const mismatches: string[] = [];
    for (const { method, pattern } of registeredRoutes(h.app)) {
      const access = findAccess(method, pattern)!;
      // Placeholders that name nothing: the answer past the guard is a 4xx of the route's own, never 401 or 403.
      const path = pattern.replace(/:(\w+)/g, (_m, name: string) => (name === 'id' && /^\/api\/v1\/(keys|users)/.test(pattern) ? '00000000-0000-4000-8000-000000000000' : `no-such-${name}`));
      for (const { role, key } of callers) {
        // An event stream answers and stays open: its status is all this needs.
        const res = pattern.endsWith('/events') ? await openStream(path, key) : await h.api(method, path, undefined, { key });
        const expected = access.role === 'public' || (role && roleAllows(role, access.role)) ? 'passes' : role ? 403 : 401;
        const got = res.status === 401 || res.status === 403 ? res.status : 'passes';
        if (got !== expected) mismatches.push(`${method} ${pattern} as ${role ?? 'nobody'}: expected ${expected}, got ${res.status}`);
        if (typeof got === 'number') expect(res.body.error.code).toBe(got === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN');
      }
    }
    expect(mismatches).toEqual([]);
  });
});
