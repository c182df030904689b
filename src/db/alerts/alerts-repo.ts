import { randomUUID } from 'node:crypto';
import { and, desc, eq, gt, inArray, isNull, lt, ne, sql, type SQL } from 'drizzle-orm';
import type { AlertRecord } from '../../alerts/lifecycle.js';
import type { Db } from '../client.js';
import {
  alertChannels,
  alertDeliveries,
  alertNotifications,
  alertRules,
  alerts,
  alertSilences,
  type AlertChannelRow,
  type AlertDeliveryRow,
  type AlertKind,
  type AlertNotificationRow,
  type AlertRow,
  type AlertRuleRow,
  type AlertSilenceRow,
  type AlertState,
} from '../schema/alerts.js';

export type NewRule = Omit<AlertRuleRow, 'id' | 'createdAt' | 'updatedAt'>;
export type NewChannel = Omit<AlertChannelRow, 'id' | 'createdAt'>;
export type NewSilence = Omit<AlertSilenceRow, 'id' | 'createdAt' | 'deletedAt'>;

/** A notification to store with the channels it goes to. */
export interface NewNotification {
  key: string;
  fingerprint: string;
  ruleId: string;
  state: AlertState;
  payload: Record<string, unknown>;
  channels: string[];
}

/** Rules, channels, silences, alerts and the delivery log (contract weft-ops §13). */
export class AlertsRepo {
  constructor(private readonly db: Db) {}

  async createRule(rule: NewRule): Promise<AlertRuleRow> {
    const [row] = await this.db.insert(alertRules).values({ ...rule, id: `rule_${randomUUID()}` }).returning();
    return row!;
  }

  async updateRule(id: string, rule: NewRule): Promise<AlertRuleRow | undefined> {
    const [row] = await this.db.update(alertRules).set({ ...rule, updatedAt: new Date() }).where(eq(alertRules.id, id)).returning();
    return row;
  }

  /** Removes a rule and its alerts; false when there was none. */
  async deleteRule(id: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const removed = await tx.delete(alertRules).where(eq(alertRules.id, id)).returning({ id: alertRules.id });
      await tx.delete(alerts).where(eq(alerts.ruleId, id));
      return removed.length > 0;
    });
  }

  rule(id: string): Promise<AlertRuleRow | undefined> {
    return this.db.query.alertRules.findFirst({ where: eq(alertRules.id, id) });
  }

  /** Whether an enabled rule of one of `kinds` watches `workflow` (or every workflow), as an SQL condition for a statement of the caller's. */
  watching(kinds: readonly AlertKind[], workflow: string): SQL {
    return sql`exists (select 1 from ${alertRules} where ${and(eq(alertRules.enabled, true), inArray(alertRules.kind, [...kinds]), inArray(alertRules.workflow, [workflow, '*']))})`;
  }

  rules(): Promise<AlertRuleRow[]> {
    return this.db.select().from(alertRules).orderBy(alertRules.name);
  }

  async createChannel(channel: NewChannel): Promise<AlertChannelRow> {
    const [row] = await this.db.insert(alertChannels).values({ ...channel, id: `chan_${randomUUID()}` }).returning();
    return row!;
  }

  channels(): Promise<AlertChannelRow[]> {
    return this.db.select().from(alertChannels).orderBy(alertChannels.name);
  }

  channel(name: string): Promise<AlertChannelRow | undefined> {
    return this.db.query.alertChannels.findFirst({ where: eq(alertChannels.name, name) });
  }

  async deleteChannel(id: string): Promise<boolean> {
    const removed = await this.db.delete(alertChannels).where(eq(alertChannels.id, id)).returning({ id: alertChannels.id });
    return removed.length > 0;
  }

  async createSilence(silence: NewSilence): Promise<AlertSilenceRow> {
    const [row] = await this.db.insert(alertSilences).values({ ...silence, id: `sil_${randomUUID()}` }).returning();
    return row!;
  }

  /** Ends a silence now (its row stays, for the record); false when none was active. */
  async endSilence(id: string): Promise<boolean> {
    const ended = await this.db
      .update(alertSilences)
      .set({ deletedAt: new Date() })
      .where(and(eq(alertSilences.id, id), isNull(alertSilences.deletedAt)))
      .returning({ id: alertSilences.id });
    return ended.length > 0;
  }

  /** Silences not deleted and not expired at `now`. */
  activeSilences(now: Date, db: Db = this.db): Promise<AlertSilenceRow[]> {
    return db
      .select()
      .from(alertSilences)
      .where(and(isNull(alertSilences.deletedAt), gt(alertSilences.endsAt, now)));
  }

  silences(): Promise<AlertSilenceRow[]> {
    return this.db.select().from(alertSilences).orderBy(desc(alertSilences.createdAt)).limit(200);
  }

  /** Alerts, optionally in one state (`silenced`: those a silence covers now), firing first. */
  list(state?: AlertState | 'silenced'): Promise<AlertRow[]> {
    const where = state === 'silenced' ? and(eq(alerts.silenced, true), ne(alerts.state, 'resolved')) : state ? eq(alerts.state, state) : undefined;
    return this.db
      .select()
      .from(alerts)
      .where(where)
      .orderBy(sql`case ${alerts.state} when 'firing' then 0 when 'pending' then 1 else 2 end`, desc(alerts.updatedAt))
      .limit(500);
  }

  /** Firing alerts by rule name and severity (the navigation count and the `weft_alerts_firing` gauge). */
  async firingCounts(): Promise<{ rule: string; severity: string; count: number }[]> {
    return this.db
      .select({ rule: alertRules.name, severity: alertRules.severity, count: sql<number>`count(*)::int` })
      .from(alerts)
      .innerJoin(alertRules, eq(alertRules.id, alerts.ruleId))
      .where(eq(alerts.state, 'firing'))
      .groupBy(alertRules.name, alertRules.severity);
  }

  /**
   * Runs `fn` in a transaction that holds the alerts' advisory lock, so two
   * evaluations (the scheduled one, a run's end in another worker) never
   * interleave: each sees what the other stored.
   */
  locked<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('weft-alerts'))`);
      return fn(tx as unknown as Db);
    });
  }

  /** The stored alerts of some rules. */
  async alertsOf(db: Db, ruleIds: string[]): Promise<AlertRecord[]> {
    if (ruleIds.length === 0) return [];
    const rows = await db.select().from(alerts).where(inArray(alerts.ruleId, ruleIds));
    return rows.map(({ updatedAt: _updatedAt, ...row }) => row);
  }

  async saveAlert(db: Db, alert: AlertRecord): Promise<void> {
    const row = { ...alert, updatedAt: new Date() };
    await db.insert(alerts).values(row).onConflictDoUpdate({ target: alerts.fingerprint, set: row });
  }

  /** Stores a notification and its pending deliveries; false when its key was stored before. */
  async addNotification(db: Db, n: NewNotification): Promise<boolean> {
    const added = await db
      .insert(alertNotifications)
      .values({ key: n.key, fingerprint: n.fingerprint, ruleId: n.ruleId, state: n.state, payload: n.payload })
      .onConflictDoNothing()
      .returning({ key: alertNotifications.key });
    if (added.length === 0) return false;
    if (n.channels.length > 0) {
      await db
        .insert(alertDeliveries)
        .values(n.channels.map((channel) => ({ notificationKey: n.key, channel, status: 'pending' as const })))
        .onConflictDoNothing();
    }
    return true;
  }

  /** Notifications whose delivery workflow was not started yet (oldest first). */
  undispatched(limit = 100): Promise<AlertNotificationRow[]> {
    return this.db.select().from(alertNotifications).where(isNull(alertNotifications.dispatchedAt)).orderBy(alertNotifications.createdAt).limit(limit);
  }

  async markDispatched(key: string): Promise<void> {
    await this.db.update(alertNotifications).set({ dispatchedAt: new Date() }).where(eq(alertNotifications.key, key));
  }

  /** Whether an earlier notification of the same alert still waits for its delivery to a channel. */
  async earlierPending(notification: AlertNotificationRow, channel: string): Promise<boolean> {
    const rows = await this.db
      .select({ key: alertDeliveries.notificationKey })
      .from(alertDeliveries)
      .innerJoin(alertNotifications, eq(alertNotifications.key, alertDeliveries.notificationKey))
      .where(
        and(
          eq(alertNotifications.fingerprint, notification.fingerprint),
          lt(alertNotifications.createdAt, notification.createdAt),
          eq(alertDeliveries.channel, channel),
          eq(alertDeliveries.status, 'pending'),
        ),
      )
      .limit(1);
    return rows.length > 0;
  }

  /** The channels a notification goes to. */
  async channelsOf(key: string): Promise<string[]> {
    const rows = await this.db.select({ channel: alertDeliveries.channel }).from(alertDeliveries).where(eq(alertDeliveries.notificationKey, key));
    return rows.map((r) => r.channel);
  }

  notification(key: string): Promise<AlertNotificationRow | undefined> {
    return this.db.query.alertNotifications.findFirst({ where: eq(alertNotifications.key, key) });
  }

  delivery(key: string, channel: string): Promise<AlertDeliveryRow | undefined> {
    return this.db.query.alertDeliveries.findFirst({ where: and(eq(alertDeliveries.notificationKey, key), eq(alertDeliveries.channel, channel)) });
  }

  /** Records one delivery attempt's outcome. */
  async recordAttempt(key: string, channel: string, outcome: { delivered: boolean; error?: string; responseStatus?: number; final?: boolean }): Promise<void> {
    await this.db
      .update(alertDeliveries)
      .set({
        attempts: sql`${alertDeliveries.attempts} + 1`,
        status: outcome.delivered ? 'delivered' : outcome.final ? 'failed' : 'pending',
        lastError: outcome.error ?? null,
        responseStatus: outcome.responseStatus ?? null,
        ...(outcome.delivered ? { deliveredAt: new Date() } : {}),
      })
      .where(and(eq(alertDeliveries.notificationKey, key), eq(alertDeliveries.channel, channel)));
  }

  /** The delivery log, newest first, with each notification's alert and state. */
  deliveries(limit: number, before?: Date) {
    return this.db
      .select({
        notificationKey: alertDeliveries.notificationKey,
        channel: alertDeliveries.channel,
        status: alertDeliveries.status,
        attempts: alertDeliveries.attempts,
        lastError: alertDeliveries.lastError,
        responseStatus: alertDeliveries.responseStatus,
        createdAt: alertDeliveries.createdAt,
        deliveredAt: alertDeliveries.deliveredAt,
        fingerprint: alertNotifications.fingerprint,
        ruleId: alertNotifications.ruleId,
        state: alertNotifications.state,
      })
      .from(alertDeliveries)
      .innerJoin(alertNotifications, eq(alertNotifications.key, alertDeliveries.notificationKey))
      .where(before ? lt(alertDeliveries.createdAt, before) : undefined)
      .orderBy(desc(alertDeliveries.createdAt), desc(alertDeliveries.notificationKey))
      .limit(limit);
  }
}
