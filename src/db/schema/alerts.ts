import { boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export const alertKinds = ['run_failed', 'stuck_run', 'cost_spike', 'failure_rate', 'slow_runs', 'node_failing', 'budget'] as const;
/** What a rule watches (contract weft-ops §13). */
export type AlertKind = (typeof alertKinds)[number];

export const alertSeverities = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof alertSeverities)[number];

export const channelTypes = ['webhook', 'slack'] as const;
export type ChannelType = (typeof channelTypes)[number];

export const alertStates = ['pending', 'firing', 'resolved'] as const;
export type AlertState = (typeof alertStates)[number];

export const deliveryStatuses = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** Alert rules: a kind over a workflow (or `*`), notified to channels. */
export const alertRules = pgTable('alert_rules', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  kind: text('kind').$type<AlertKind>().notNull(),
  workflow: text('workflow').notNull(),
  params: jsonb('params').$type<Record<string, unknown>>().notNull(),
  /** How long a condition holds (pending) before it fires, in ms, and as written. */
  forMs: integer('for_ms').notNull(),
  forText: text('for_text').notNull(),
  severity: text('severity').$type<AlertSeverity>().notNull(),
  channels: jsonb('channels').$type<string[]>().notNull(),
  repeatIntervalMs: integer('repeat_interval_ms').notNull(),
  repeatIntervalText: text('repeat_interval_text').notNull(),
  enabled: boolean('enabled').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Where notifications go; `secret` signs webhooks and is never returned. */
export const alertChannels = pgTable('alert_channels', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  type: text('type').$type<ChannelType>().notNull(),
  url: text('url').notNull(),
  secret: text('secret'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Matchers whose alerts notify nobody until `endsAt`; a deleted silence keeps its row (`deletedAt`). */
export const alertSilences = pgTable('alert_silences', {
  id: text('id').primaryKey(),
  matchers: jsonb('matchers').$type<{ rule?: string; workflow?: string; severity?: AlertSeverity }>().notNull(),
  endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
  comment: text('comment').notNull(),
  createdBy: text('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
});

/**
 * One row per alert (a rule and its labels, named by `fingerprint`): its state,
 * when its condition began (`activeSince`), when it fired, and what the
 * channels were last told (`notifiedState`, `notifiedAt`, `notices`).
 */
export const alerts = pgTable(
  'alerts',
  {
    fingerprint: text('fingerprint').primaryKey(),
    ruleId: text('rule_id').notNull(),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    state: text('state').$type<AlertState>().notNull(),
    activeSince: timestamp('active_since', { withTimezone: true }).notNull(),
    firingSince: timestamp('firing_since', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    notifiedState: text('notified_state').$type<AlertState>(),
    notifiedAt: timestamp('notified_at', { withTimezone: true }),
    /** Notifications sent for this firing (the repeat counter of the idempotency key). */
    notices: integer('notices').notNull().default(0),
    /** How many runs the last firing notice listed (run_failed groups later failures into the next notice). */
    notifiedCount: integer('notified_count').notNull().default(0),
    silenced: boolean('silenced').notNull().default(false),
    summary: text('summary').notNull(),
    evidence: jsonb('evidence').$type<Record<string, unknown>>().notNull(),
    value: doublePrecision('value'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('alerts_state_idx').on(t.state, t.ruleId)],
);

/** A notification to send: its key is the idempotency key (fingerprint, state, firing start, repeat). */
export const alertNotifications = pgTable('alert_notifications', {
  key: text('key').primaryKey(),
  fingerprint: text('fingerprint').notNull(),
  ruleId: text('rule_id').notNull(),
  state: text('state').$type<AlertState>().notNull(),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /** When its delivery workflow was started (null: not yet; the evaluator starts it). */
  dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
});

/** The delivery log: one row per (notification, channel). */
export const alertDeliveries = pgTable(
  'alert_deliveries',
  {
    notificationKey: text('notification_key').notNull(),
    channel: text('channel').notNull(),
    status: text('status').$type<DeliveryStatus>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    responseStatus: integer('response_status'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ name: 'alert_deliveries_pk', columns: [t.notificationKey, t.channel] }), index('alert_deliveries_created_idx').on(t.createdAt)],
);

export type AlertRuleRow = typeof alertRules.$inferSelect;
export type AlertChannelRow = typeof alertChannels.$inferSelect;
export type AlertSilenceRow = typeof alertSilences.$inferSelect;
export type AlertRow = typeof alerts.$inferSelect;
export type AlertNotificationRow = typeof alertNotifications.$inferSelect;
export type AlertDeliveryRow = typeof alertDeliveries.$inferSelect;
