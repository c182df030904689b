import { z } from 'zod';
import { DURATION_PATTERN, durationProblem, parseDuration } from '../dag/duration.js';
import { workflowNameSchema } from '../dag/schema.js';
import { alertSeverities, channelTypes } from '../db/schema/alerts.js';

/** Request shapes of `/alerts` (contract weft-ops §13), the one source for validation and the OpenAPI document. */

/** Alert durations are kept in milliseconds as 32-bit integers: at most 24 days (a longer one was a 500). */
const MAX_ALERT_DURATION_MS = 24 * 86_400_000;
const duration = z
  .string()
  .regex(DURATION_PATTERN, 'a duration such as 30s, 5m, 4h')
  // Measured only when it is a duration Weft takes at all (the regex reports the rest): parseDuration throws past 100 years.
  .refine((text) => !DURATION_PATTERN.test(text) || (durationProblem(text) === undefined && parseDuration(text) <= MAX_ALERT_DURATION_MS), 'at most 24d');
const share = z.number().min(0).max(1);
const window = duration.default('1h');

/** Each kind's params, with their defaults. */
export const ruleParams = {
  run_failed: z.strictObject({ window: duration.default('10m') }),
  stuck_run: z.strictObject({ minutes: z.number().positive().default(10) }),
  cost_spike: z.strictObject({ factor: z.number().positive().default(2), minRuns: z.int().min(1).default(5), window }),
  failure_rate: z.strictObject({ threshold: share, window, minRuns: z.int().min(1).default(5) }),
  slow_runs: z.strictObject({ p95Ms: z.number().positive(), window, minRuns: z.int().min(1).default(1) }),
  node_failing: z.strictObject({ threshold: share, window, minRuns: z.int().min(1).default(1) }),
  budget: z.strictObject({}),
} as const;

export type RuleParams = { [K in keyof typeof ruleParams]: z.output<(typeof ruleParams)[K]> };

const common = {
  name: z.string().min(1).max(100),
  workflow: z.union([z.literal('*'), workflowNameSchema]).default('*'),
  for: duration.default('0s'),
  severity: z.enum(alertSeverities).default('warning'),
  channels: z.array(z.string().min(1).max(100)).max(20).default([]),
  repeatInterval: duration.default('4h'),
  enabled: z.boolean().default(true),
};

const rule = <K extends keyof typeof ruleParams, P extends z.ZodType>(kind: K, params: P) => z.strictObject({ ...common, kind: z.literal(kind), params });

/** `POST /alerts/rules` and `PUT /alerts/rules/{id}`: a kind and its params (those with every param optional may leave them out). */
export const ruleBody = z.discriminatedUnion('kind', [
  rule('run_failed', ruleParams.run_failed.prefault({})),
  rule('stuck_run', ruleParams.stuck_run.prefault({})),
  rule('cost_spike', ruleParams.cost_spike.prefault({})),
  rule('failure_rate', ruleParams.failure_rate),
  rule('slow_runs', ruleParams.slow_runs),
  rule('node_failing', ruleParams.node_failing),
  rule('budget', ruleParams.budget.prefault({})),
]);
export type RuleBody = z.output<typeof ruleBody>;

/** `POST /alerts/channels`. */
export const channelBody = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'letters, digits, _ . -'),
  type: z.enum(channelTypes),
  url: z.url({ protocol: /^https?$/ }),
  secret: z.string().min(1).max(500).optional(),
});

/** `POST /alerts/silences`: at least one matcher. */
export const silenceBody = z.strictObject({
  matchers: z
    .strictObject({ rule: z.string().min(1).max(100).optional(), workflow: z.string().min(1).max(100).optional(), severity: z.enum(alertSeverities).optional() })
    .refine((m) => Object.keys(m).length > 0, 'name at least one of rule, workflow, severity'),
  endsAt: z.iso.datetime({ offset: true }),
  comment: z.string().min(1).max(1000),
});

