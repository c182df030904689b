import { and, desc, eq, gte, lt, lte, or, type SQL } from 'drizzle-orm';
import type { Db } from './client.js';
import type { Role } from './schema/api-keys.js';
import { auditLog, type AuditOutcome, type AuditRow } from './schema/audit.js';

/** One audit record to write. */
export interface AuditEntry {
  /** A key's or a user's id; `ref` names it for people (`key:<prefix>`, `user:<email>`); a user without a role has none. */
  actor: { id: string; ref: string; name: string; role: Role | null };
  action: string;
  target: string | null;
  outcome: AuditOutcome;
  status: number;
  requestId: string;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditQuery {
  /** A key or user id, or an actor reference (`user:<email>`, `key:<prefix>`). */
  actor?: string | undefined;
  action?: string | undefined;
  outcome?: AuditOutcome | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  limit: number;
  /** Keyset position: records older than this id. */
  before?: number | undefined;
}

/** The audit trail: appended to, read newest first, never changed (the database refuses). */
export class AuditRepo {
  constructor(private readonly db: Db) {}

  async record(entry: AuditEntry): Promise<void> {
    const { actor, ...rest } = entry;
    await this.db.insert(auditLog).values({ ...rest, actor: actor.id, actorRef: actor.ref, actorName: actor.name, actorRole: actor.role });
  }

  /** Newest first: ids grow with every insert, so the id orders and pages the log. */
  async list(query: AuditQuery): Promise<AuditRow[]> {
    const where: SQL[] = [];
    if (query.actor) where.push(or(eq(auditLog.actor, query.actor), eq(auditLog.actorRef, query.actor))!);
    if (query.action) where.push(eq(auditLog.action, query.action));
    if (query.outcome) where.push(eq(auditLog.outcome, query.outcome));
    if (query.since) where.push(gte(auditLog.at, query.since));
    if (query.until) where.push(lte(auditLog.at, query.until));
    if (query.before !== undefined) where.push(lt(auditLog.id, query.before));
    return this.db
      .select()
      .from(auditLog)
      .where(and(...where))
      .orderBy(desc(auditLog.id))
      .limit(query.limit);
  }
}
