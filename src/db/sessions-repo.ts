import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { hashApiKey } from './api-keys-repo.js';
import type { Db } from './client.js';
import { userSessions, users, type UserRow } from './schema/users.js';

/** How long sessions live: idle and in all (weft-ops §15). */
export interface SessionLifetimes {
  idleMs: number;
  maxMs: number;
}

/** A session found by its id. */
export interface ActiveSession {
  idHash: string;
  user: UserRow;
  expiresAt: Date;
  /** The idle expiry moved forward on this request: the cookie is sent again. */
  renewed: boolean;
}

/**
 * Sessions of the dashboard's users. Ids are 256 random bits, stored only as
 * their sha256 (the reasoning of `hashApiKey` holds: no slow hash needed).
 * Times come from the caller's clock, so expiry is testable without waiting.
 */
export class SessionsRepo {
  constructor(private readonly db: Db) {}

  /** Opens a session; its id is returned here only. */
  async open(userId: string, now: Date, lifetimes: SessionLifetimes): Promise<{ id: string; expiresAt: Date }> {
    const id = randomBytes(32).toString('base64url');
    const endsAt = new Date(now.getTime() + lifetimes.maxMs);
    const expiresAt = new Date(Math.min(now.getTime() + lifetimes.idleMs, endsAt.getTime()));
    await this.db.insert(userSessions).values({ idHash: hashApiKey(id), userId, createdAt: now, expiresAt, endsAt });
    return { id, expiresAt };
  }

  /**
   * The live session with this id and its user, read at every request so a
   * revocation or an override counts from the next one. Used past half its idle
   * window, its expiry moves to `now + idle` (capped by its absolute end): the
   * write happens at most twice per idle window, not on every request.
   */
  async use(id: string, now: Date, lifetimes: SessionLifetimes): Promise<ActiveSession | undefined> {
    const idHash = hashApiKey(id);
    const [row] = await this.db
      .select({ session: userSessions, user: users })
      .from(userSessions)
      .innerJoin(users, eq(users.id, userSessions.userId))
      .where(and(eq(userSessions.idHash, idHash), isNull(userSessions.revokedAt), gt(userSessions.expiresAt, now)));
    if (!row) return undefined;
    const { session, user } = row;
    const renewTo = new Date(Math.min(now.getTime() + lifetimes.idleMs, session.endsAt.getTime()));
    if (session.expiresAt.getTime() - now.getTime() >= lifetimes.idleMs / 2 || renewTo <= session.expiresAt) {
      return { idHash, user, expiresAt: session.expiresAt, renewed: false };
    }
    await this.db.update(userSessions).set({ expiresAt: renewTo }).where(eq(userSessions.idHash, idHash));
    return { idHash, user, expiresAt: renewTo, renewed: true };
  }

  /** Ends one session (sign-out). */
  async revoke(idHash: string, now: Date): Promise<void> {
    await this.db.update(userSessions).set({ revokedAt: now }).where(and(eq(userSessions.idHash, idHash), isNull(userSessions.revokedAt)));
  }

  /** Ends every session of a user; how many were live. */
  async revokeAll(userId: string, now: Date): Promise<number> {
    const ended = await this.db
      .update(userSessions)
      .set({ revokedAt: now })
      .where(and(eq(userSessions.userId, userId), isNull(userSessions.revokedAt), gt(userSessions.expiresAt, now)))
      .returning({ idHash: userSessions.idHash });
    return ended.length;
  }
}
