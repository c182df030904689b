import { z } from 'zod';
import { alertKinds, alertSeverities, alertStates, channelTypes, deliveryStatuses } from '../db/schema/alerts.js';
import { timestamp } from './responses.js';

/** Response shapes of `/alerts` (weft-ops §13); requests are in `src/alerts/rule-schemas.ts`. */

export const alertRule = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(alertKinds),
  workflow: z.string(),
  params: z.record(z.string(), z.unknown()),
  for: z.string(),
  severity: z.enum(alertSeverities),
  channels: z.array(z.string()),
  repeatInterval: z.string(),
  enabled: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

/** A channel as listed: never its secret. */
export const alertChannel = z.object({ id: z.string(), name: z.string(), type: z.enum(channelTypes), url: z.string(), signed: z.boolean(), createdAt: timestamp });

export const alertSilence = z.object({
  id: z.string(),
  matchers: z.object({ rule: z.string().optional(), workflow: z.string().optional(), severity: z.enum(alertSeverities).optional() }),
  endsAt: timestamp,
  comment: z.string(),
  createdBy: z.string().nullable(),
  createdAt: timestamp,
  /** `active` until `endsAt` or its deletion. */
  active: z.boolean(),
});

export const alertView = z.object({
  fingerprint: z.string(),
  rule: z.object({ id: z.string(), name: z.string(), kind: z.enum(alertKinds), severity: z.enum(alertSeverities) }),
  labels: z.record(z.string(), z.string()),
  state: z.enum(alertStates),
  silenced: z.boolean(),
  summary: z.string(),
  value: z.number().nullable(),
  evidence: z.record(z.string(), z.unknown()),
  activeSince: timestamp,
  firingSince: timestamp.nullable(),
  resolvedAt: timestamp.nullable(),
  notifiedAt: timestamp.nullable(),
});

export const alertDelivery = z.object({
  notificationKey: z.string(),
  channel: z.string(),
  fingerprint: z.string(),
  ruleId: z.string(),
  state: z.enum(alertStates),
  status: z.enum(deliveryStatuses),
  attempts: z.int(),
  lastError: z.string().nullable(),
  responseStatus: z.int().nullable(),
  createdAt: timestamp,
  deliveredAt: timestamp.nullable(),
});

export const alertsQuery = z.object({ state: z.enum([...alertStates, 'silenced']).optional() });
export const deliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });
export const idParam = z.object({ id: z.string().min(1).max(200) });
