import { randomUUID } from 'node:crypto';
import { and, asc, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from './client.js';
import type { Role } from './schema/api-keys.js';
import { users, type UserRow } from './schema/users.js';

/** Who signed in, as the provider's verified claims name them. */
export interface SignedInClaims {
  issuer: string;
  subject: string;
  email: string | null;
  name: string | null;
  /** The role the claim mapped to; null when none did. */
  claimRole: Role | null;
}

/** The role a user acts with: an admin's override, else the mapped claim; null: no access. */
export function effectiveRole(user: Pick<UserRow, 'claimRole' | 'roleOverride'>): Role | null {
  return user.roleOverride ?? user.claimRole;
}

/** Users who signed in with OpenID Connect (weft-ops §15). */
export class UsersRepo {
  constructor(private readonly db: Db) {}

  /**
   * Records a sign-in: creates the user or refreshes what the provider says of
   * them (email, name, mapped role). Users without a mapped role are recorded
   * too, so an admin sees them and may grant one.
   */
  async signedIn(claims: SignedInClaims, at: Date): Promise<UserRow> {
    const [row] = await this.db
      .insert(users)
      .values({ id: randomUUID(), ...claims, lastSeenAt: at })
      .onConflictDoUpdate({
        target: [users.issuer, users.subject],
        set: { email: claims.email, name: claims.name, claimRole: claims.claimRole, lastSeenAt: at },
      })
      .returning();
    return row!;
  }

  async find(id: string): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id));
    return row;
  }

  /** Everyone who signed in, oldest first. */
  async list(): Promise<UserRow[]> {
    return this.db.select().from(users).orderBy(asc(users.createdAt), asc(users.id));
  }

  /** Sets (a role) or clears (null) an admin's override; undefined when there is no such user. */
  async override(id: string, role: Role | null): Promise<UserRow | undefined> {
    const [row] = await this.db.update(users).set({ roleOverride: role }).where(eq(users.id, id)).returning();
    return row;
  }

  /** Records a use, at most once a minute. */
  async touch(id: string, at: Date): Promise<void> {
    await this.db
      .update(users)
      .set({ lastSeenAt: at })
      .where(and(eq(users.id, id), or(isNull(users.lastSeenAt), lt(users.lastSeenAt, new Date(at.getTime() - 60_000)))));
  }
}
