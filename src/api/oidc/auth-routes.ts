import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Logger } from '../../logger.js';
import type { UsersRepo } from '../../db/users-repo.js';
import { effectiveRole } from '../../db/users-repo.js';
import { accessFor } from '../access.js';
import { AppError } from '../errors.js';
import { clearCookie, LOGIN_COOKIE, readCookie, setCookie } from '../sessions/cookies.js';
import { originOf, sameOriginMutations } from '../sessions/same-origin.js';
import type { SessionAuth } from '../sessions/session-auth.js';
import { authPage } from './auth-pages.js';
import type { OidcClient, PendingLogin } from './oidc-client.js';

/** A sign-in must come back within this long. */
const LOGIN_TTL_MS = 10 * 60_000;
const LOGIN_PATH = '/auth';

const pendingLogin = z.object({ state: z.string().min(1), nonce: z.string().min(1), verifier: z.string().min(43), returnTo: z.string() });

/** Only a path of this site: never `//host` or a URL, so sign-in cannot be made to redirect elsewhere. */
function safeReturnTo(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) ? value : '/runs';
}

function readPending(req: Request): PendingLogin | undefined {
  const raw = readCookie(req, LOGIN_COOKIE);
  if (!raw) return undefined;
  try {
    const parsed = pendingLogin.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** An error's message and its causes' (openid-client wraps the check that failed): the claim or check, never a token or the code. */
function reasonOf(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error && parts.length < 4; e = e.cause) parts.push(e.message);
  return parts.length > 0 ? parts.join(': ') : String(err);
}

/** The routes' audit action, from the access table like every route's. */
const SIGN_IN = accessFor('get', '/auth/callback').action!;
const SIGN_OUT = accessFor('post', '/auth/logout').action!;

export interface AuthRoutesDeps {
  /** Absent: sign-in with a provider is off (`/auth/status` says so, `/auth/login` is 404). */
  oidc: OidcClient | undefined;
  sessions: SessionAuth;
  users: UsersRepo;
  logger: Logger;
}

/**
 * `/auth/*` (weft-ops §15), outside `/api/v1` because browsers navigate here:
 * `GET /auth/status` (is there a provider, and who this browser's session
 * is, with its CSRF token), `GET /auth/login`
 * (off to the provider), `GET /auth/callback` (back: verify, map the role,
 * open the session), `POST /auth/logout` (end it, and where to go next: the
 * provider's logout when it has one).
 */
export function authRoutes({ oidc, sessions, users, logger }: AuthRoutesDeps): Router {
  const router = Router();
  const redirectUri = (req: Request) => oidc?.settings.redirectUrl?.href ?? `${originOf(req)}${LOGIN_PATH}/callback`;
  const page = (res: Response, status: number, title: string, message: string) => res.status(status).type('html').send(authPage(title, message));

  // Answers 200 either way, so the dashboard's first look logs no failed request.
  router.get('/auth/status', (req, res) => {
    const who = req.identity;
    res.json({
      provider: oidc ? { name: oidc.settings.name, loginUrl: `${LOGIN_PATH}/login` } : null,
      session: who?.session ? { id: who.id, name: who.name, role: who.role, kind: who.kind, ref: who.ref, csrfToken: who.session.csrfToken } : null,
    });
  });

  router.get('/auth/login', async (req, res) => {
    if (!oidc) throw new AppError('NOT_FOUND', 'sign-in with a provider is not configured (WEFT_OIDC_ISSUER)');
    const { url, pending } = await oidc.start(redirectUri(req), safeReturnTo(req.query.returnTo));
    setCookie(res, LOGIN_COOKIE, Buffer.from(JSON.stringify(pending)).toString('base64url'), { maxAgeMs: LOGIN_TTL_MS, secure: sessions.secure(req), path: LOGIN_PATH });
    res.redirect(303, url.href);
  });

  router.get('/auth/callback', async (req, res) => {
    if (!oidc) throw new AppError('NOT_FOUND', 'sign-in with a provider is not configured (WEFT_OIDC_ISSUER)');
    const pending = readPending(req);
    // One use: whatever happens next, this sign-in attempt is over.
    clearCookie(res, LOGIN_COOKIE, { secure: sessions.secure(req), path: LOGIN_PATH });
    if (!pending) return page(res, 400, 'Sign-in expired', 'This sign-in was not started here or took too long. Start again.');
    const callbackUrl = new URL(redirectUri(req));
    callbackUrl.search = new URL(req.originalUrl, 'http://callback').search;
    let login;
    try {
      login = await oidc.finish(callbackUrl, redirectUri(req), pending);
    } catch (err) {
      logger.warn({ reason: reasonOf(err), requestId: req.id }, 'sign-in refused');
      return page(res, 401, 'Sign-in failed', `The answer of ${oidc.settings.name} did not verify; nobody was signed in. Start again.`);
    }
    const user = await users.signedIn(login, sessions.now());
    const role = effectiveRole(user);
    const ref = `user:${user.email ?? user.subject}`;
    res.locals.audit = { action: SIGN_IN, target: null };
    res.locals.auditActor = { id: user.id, ref, name: user.name ?? user.email ?? user.subject, role };
    if (!role) {
      return page(res, 403, 'No access', `${user.email ?? user.subject} signed in, but none of their ${oidc.settings.roleClaim} maps to a Weft role. An admin can grant one.`);
    }
    await sessions.open(req, res, user.id);
    res.redirect(303, pending.returnTo);
  });

  router.post(
    '/auth/logout',
    (req, res, next) => {
      if (req.identity?.session) res.locals.audit = { action: SIGN_OUT, target: null };
      next();
    },
    // Signing someone out is a mutation too: a cross-site page may not do it.
    sameOriginMutations,
    async (req, res) => {
    await sessions.end(req, res);
    const home = `${originOf(req)}/`;
    const provider = req.identity?.session && oidc ? await oidc.endSessionUrl(home).catch(() => null) : null;
    res.json({ redirectTo: provider?.href ?? '/' });
    },
  );
  return router;
}
