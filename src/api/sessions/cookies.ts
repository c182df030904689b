import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';

/** The session cookie: its value is the session id, known only to the browser (the database keeps its hash). */
export const SESSION_COOKIE = 'weft_session';
/** The sign-in in progress (state, nonce, PKCE verifier), between `/auth/login` and `/auth/callback`. */
export const LOGIN_COOKIE = 'weft_oidc';

/** A cookie of the request, if sent. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * Sets an `HttpOnly`, `SameSite=Lax` cookie, `Secure` when served over TLS
 * (`secure`). Lax, not Strict: the provider's redirect back to
 * `/auth/callback` is a cross-site navigation that must carry the login cookie.
 */
export function setCookie(res: Response, name: string, value: string, options: { maxAgeMs: number; secure: boolean; path?: string }): void {
  res.cookie(name, value, { httpOnly: true, sameSite: 'lax', secure: options.secure, path: options.path ?? '/', maxAge: options.maxAgeMs });
}

export function clearCookie(res: Response, name: string, options: { secure: boolean; path?: string }): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure: options.secure, path: options.path ?? '/' });
}

/**
 * The CSRF token of a session: derived from its id, so nothing more is stored,
 * and unlike the id's stored hash (a different input), the database does not
 * reveal it. A cross-site page can neither read it nor compute it.
 */
export function csrfTokenFor(sessionId: string): string {
  return createHash('sha256').update(`weft-csrf:${sessionId}`, 'utf8').digest('base64url');
}
