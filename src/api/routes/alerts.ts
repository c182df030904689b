import { z } from 'zod';
import { ruleBody, channelBody, silenceBody, type RuleBody } from '../../alerts/rule-schemas.js';
import { parseDuration } from '../../dag/duration.js';
import type { AlertsRepo, NewRule } from '../../db/alerts/alerts-repo.js';
import type { AlertChannelRow, AlertRuleRow, AlertSilenceRow } from '../../db/schema/alerts.js';
import { alertChannel, alertDelivery, alertRule, alertSilence, alertsQuery, alertView, deliveriesQuery, idParam } from '../alert-schemas.js';
import { AppError } from '../errors.js';
import { defineRoute, reply, type RouteSpec } from '../route-spec.js';

function ruleView(row: AlertRuleRow): z.output<typeof alertRule> {
  const { forMs: _f, forText, repeatIntervalMs: _r, repeatIntervalText, ...rest } = row;
  return { ...rest, for: forText, repeatInterval: repeatIntervalText };
}

function channelView({ secret, ...row }: AlertChannelRow): z.output<typeof alertChannel> {
  return { ...row, signed: secret !== null };
}

function silenceView(row: AlertSilenceRow, now = new Date()): z.output<typeof alertSilence> {
  const { deletedAt, ...rest } = row;
  return { ...rest, active: deletedAt === null && row.endsAt > now };
}

/** A rule body as stored; every channel it names must exist (422 at its path). */
async function storedRule(alerts: AlertsRepo, body: RuleBody): Promise<NewRule> {
  const known = new Set((await alerts.channels()).map((c) => c.name));
  const issues = body.channels.flatMap((name, i) => (known.has(name) ? [] : [{ path: `channels.${i}`, message: `no channel named ${name}` }]));
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', 'the rule names channels that do not exist', issues);
  const { for: forText, repeatInterval, ...rest } = body;
  return { ...rest, params: body.params as Record<string, unknown>, forMs: parseDuration(forText), forText, repeatIntervalMs: parseDuration(repeatInterval), repeatIntervalText: repeatInterval };
}

async function ensureFreeName(alerts: AlertsRepo, name: string, except?: string): Promise<void> {
  if ((await alerts.rules()).some((r) => r.name === name && r.id !== except)) throw new AppError('CONFLICT', `a rule named ${name} exists already`);
}

/** `/alerts`: rules, channels, silences, alerts and the delivery log (contract weft-ops §13). */
export function alertRoutes(alerts: AlertsRepo): RouteSpec[] {
  const ruleResponse = { description: 'the rule', schema: alertRule };
  return [
    defineRoute({ method: 'get', path: '/alerts', summary: 'Alerts, firing first; `state` filters (silenced: covered by a silence now)', query: alertsQuery, responses: { 200: { description: 'alerts', schema: z.object({ items: z.array(alertView) }) } } }, async ({ query }) => {
      const [rows, rules] = await Promise.all([alerts.list(query.state), alerts.rules()]);
      const byId = new Map(rules.map((r) => [r.id, r]));
      const items = rows.flatMap((a) => {
        const rule = byId.get(a.ruleId);
        if (!rule) return [];
        return [{ ...a, rule: { id: rule.id, name: rule.name, kind: rule.kind, severity: rule.severity } }];
      });
      return reply(200, { items });
    }),
    defineRoute({ method: 'post', path: '/alerts/rules', summary: 'Create an alert rule', body: ruleBody, responses: { 201: ruleResponse }, errors: ['CONFLICT', 'VALIDATION_FAILED'] }, async ({ body }) => {
      await ensureFreeName(alerts, body.name);
      const row = await alerts.createRule(await storedRule(alerts, body));
      return reply(201, ruleView(row), { target: row.id, details: { name: row.name, kind: row.kind } });
    }),
    defineRoute({ method: 'get', path: '/alerts/rules', summary: 'Alert rules', responses: { 200: { description: 'rules', schema: z.object({ items: z.array(alertRule) }) } } }, async () =>
      reply(200, { items: (await alerts.rules()).map(ruleView) }),
    ),
    defineRoute({ method: 'get', path: '/alerts/rules/:id', summary: 'One alert rule', params: idParam, responses: { 200: ruleResponse } }, async ({ params }) => {
      const row = await alerts.rule(params.id);
      if (!row) throw new AppError('NOT_FOUND', `no rule ${params.id}`);
      return reply(200, ruleView(row));
    }),
    defineRoute({ method: 'put', path: '/alerts/rules/:id', summary: 'Replace an alert rule', params: idParam, body: ruleBody, responses: { 200: ruleResponse }, errors: ['CONFLICT', 'VALIDATION_FAILED'] }, async ({ params, body }) => {
      await ensureFreeName(alerts, body.name, params.id);
      const row = await alerts.updateRule(params.id, await storedRule(alerts, body));
      if (!row) throw new AppError('NOT_FOUND', `no rule ${params.id}`);
      return reply(200, ruleView(row), { details: { name: row.name, kind: row.kind } });
    }),
    defineRoute({ method: 'delete', path: '/alerts/rules/:id', summary: 'Remove an alert rule and its alerts', params: idParam, responses: { 204: { description: 'removed' } } }, async ({ params }) => {
      if (!(await alerts.deleteRule(params.id))) throw new AppError('NOT_FOUND', `no rule ${params.id}`);
      return reply(204, undefined);
    }),
    defineRoute({ method: 'post', path: '/alerts/channels', summary: 'Create a notification channel (webhook: signed as the webhook plugin signs; slack: incoming webhook)', body: channelBody, responses: { 201: { description: 'the channel', schema: alertChannel } }, errors: ['CONFLICT'] }, async ({ body }) => {
      if (await alerts.channel(body.name)) throw new AppError('CONFLICT', `a channel named ${body.name} exists already`);
      const row = await alerts.createChannel({ name: body.name, type: body.type, url: body.url, secret: body.secret ?? null });
      return reply(201, channelView(row), { target: row.id, details: { name: row.name, type: row.type } });
    }),
    defineRoute({ method: 'get', path: '/alerts/channels', summary: 'Notification channels (never their secrets)', responses: { 200: { description: 'channels', schema: z.object({ items: z.array(alertChannel) }) } } }, async () =>
      reply(200, { items: (await alerts.channels()).map(channelView) }),
    ),
    defineRoute({ method: 'delete', path: '/alerts/channels/:id', summary: 'Remove a channel', params: idParam, responses: { 204: { description: 'removed' } } }, async ({ params }) => {
      if (!(await alerts.deleteChannel(params.id))) throw new AppError('NOT_FOUND', `no channel ${params.id}`);
      return reply(204, undefined);
    }),
    defineRoute({ method: 'post', path: '/alerts/silences', summary: 'Silence the alerts that match until endsAt', body: silenceBody, responses: { 201: { description: 'the silence', schema: alertSilence } }, errors: ['VALIDATION_FAILED'] }, async ({ body, req }) => {
      const endsAt = new Date(body.endsAt);
      if (endsAt <= new Date()) throw new AppError('VALIDATION_FAILED', 'endsAt is in the past', [{ path: 'endsAt', message: 'must be in the future' }]);
      const row = await alerts.createSilence({ matchers: body.matchers, endsAt, comment: body.comment, createdBy: req.identity?.name ?? null });
      return reply(201, silenceView(row), { target: row.id, details: { matchers: body.matchers, endsAt: body.endsAt } });
    }),
    defineRoute({ method: 'get', path: '/alerts/silences', summary: 'Silences, newest first', responses: { 200: { description: 'silences', schema: z.object({ items: z.array(alertSilence) }) } } }, async () =>
      reply(200, { items: (await alerts.silences()).map((s) => silenceView(s)) }),
    ),
    defineRoute({ method: 'delete', path: '/alerts/silences/:id', summary: 'End a silence now', params: idParam, responses: { 204: { description: 'ended' } } }, async ({ params }) => {
      if (!(await alerts.endSilence(params.id))) throw new AppError('NOT_FOUND', `no active silence ${params.id}`);
      return reply(204, undefined);
    }),
    defineRoute({ method: 'get', path: '/alerts/deliveries', summary: 'The delivery log, newest first', query: deliveriesQuery, responses: { 200: { description: 'deliveries', schema: z.object({ items: z.array(alertDelivery) }) } } }, async ({ query }) =>
      reply(200, { items: await alerts.deliveries(query.limit) }),
    ),
  ];
}
