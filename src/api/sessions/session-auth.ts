import type { Request, Response } from 'express';
import type { Logger } from '../../logger.js';
import type { SessionLifetimes, SessionsRepo } from '../../db/sessions-repo.js';
import { effectiveRole, type UsersRepo } from '../../db/users-repo.js';
import type { Identity } from '../request-context.js';
import { clearCookie, csrfTokenFor, readCookie, SESSION_COOKIE, setCookie } from './cookies.js';

/** How sessions behave: their lifetimes, the clock they are measured by (tests move it), and whether cookies are `Secure` regardless of the request. */
export interface SessionOptions {
  lifetimes: SessionLifetimes;
  now?: () => Date;
  /** Cookies `Secure` always (the public URL is https behind a proxy); else only for requests that came over TLS. */
  secureCookies?: boolean;
}

/** The sessions of dashboard users (weft-ops §15): opened at sign-in, read from the cookie, renewed while used, ended at sign-out. */
export class SessionAuth {
  readonly now: () => Date;
  constructor(
    private readonly users: UsersRepo,
    private readonly sessions: SessionsRepo,
    private readonly logger: Logger,
    private readonly options: SessionOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  secure(req: Request): boolean {
    return this.options.secureCookies === true || req.secure;
  }

  /**
   * The identity of the request's session cookie, if it names a live session
   * whose user has a role. A cookie naming none is cleared. A renewed session
   * gets its cookie again with the new lifetime.
   */
  async identify(req: Request, res: Response): Promise<Identity | undefined> {
    const id = readCookie(req, SESSION_COOKIE);
    if (!id) return undefined;
    const now = this.now();
    const session = await this.sessions.use(id, now, this.options.lifetimes);
    const role = session && effectiveRole(session.user);
    if (!session || !role) {
      clearCookie(res, SESSION_COOKIE, { secure: this.secure(req) });
      return undefined;
    }
    if (session.renewed) {
      setCookie(res, SESSION_COOKIE, id, { maxAgeMs: session.expiresAt.getTime() - now.getTime(), secure: this.secure(req) });
      // Bookkeeping, not authorization.
      await this.users.touch(session.user.id, now).catch((err: unknown) => this.logger.warn({ err, userId: session.user.id }, 'could not record a user visit'));
    }
    const { user } = session;
    return {
      kind: 'user',
      id: user.id,
      name: user.name ?? user.email ?? user.subject,
      role,
      ref: `user:${user.email ?? user.subject}`,
      session: { idHash: session.idHash, csrfToken: csrfTokenFor(id) },
    };
  }

  /** Opens a session for a user who just signed in and sets its cookie. */
  async open(req: Request, res: Response, userId: string): Promise<void> {
    const now = this.now();
    const { id, expiresAt } = await this.sessions.open(userId, now, this.options.lifetimes);
    setCookie(res, SESSION_COOKIE, id, { maxAgeMs: expiresAt.getTime() - now.getTime(), secure: this.secure(req) });
  }

  /** Ends the request's session (sign-out) and clears its cookie. */
  async end(req: Request, res: Response): Promise<void> {
    const idHash = req.identity?.session?.idHash;
    if (idHash) await this.sessions.revoke(idHash, this.now());
    clearCookie(res, SESSION_COOKIE, { secure: this.secure(req) });
  }
}
