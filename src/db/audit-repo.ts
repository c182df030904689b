import type { Db } from './client.js';
import { auditLog } from './schema/audit.js';

export interface AuditEntry {
  actor: string | null;
  action: string;
  target: string | null;
  requestId: string | null;
  details?: unknown;
}

/** The audit trail of API mutations. */
export class AuditRepo {
  constructor(private readonly db: Db) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.db.insert(auditLog).values({ ...entry, details: entry.details ?? null });
  }
}
