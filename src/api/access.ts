import type { Role } from '../db/schema/api-keys.js';

/**
 * Who may call a route, and what it is called in the audit log.
 * `public`: no key needed. A role: that role or a higher one
 * (viewer < operator < admin, contract weft-ops §3). `action`: the route
 * changes something, so every call that passed authentication is audited
 * under this name; routes without one are reads and are not audited.
 */
export interface Access {
  role: Role | 'public';
  action?: string;
}

const pub: Access = { role: 'public' };
const viewer: Access = { role: 'viewer' };
const admin: Access = { role: 'admin' };
const operator = (action: string): Access => ({ role: 'operator', action });

/**
 * Every route of the app: `METHOD /express/pattern` → access. The routers look
 * their routes up here, and a test walks the app's router and fails for any
 * route missing from this table. Adding a route = adding its line.
 */
export const ACCESS_TABLE: Readonly<Record<string, Access>> = {
  'GET /health': pub,
  'GET /ready': pub,
  'GET /api/v1/openapi.json': pub,
  'GET /api/docs': pub,

  // Sign-in (weft-ops §15): browsers come here before they have a session.
  'GET /auth/status': pub,
  'GET /auth/login': pub,
  'GET /auth/callback': { role: 'public', action: 'user.sign-in' },
  'POST /auth/logout': { role: 'public', action: 'user.sign-out' },

  'GET /api/v1/workflows': viewer,
  'POST /api/v1/workflows': operator('workflow.define'),
  'POST /api/v1/workflows/validate': viewer,
  'POST /api/v1/workflows/estimate': viewer,
  'GET /api/v1/workflows/:name': viewer,
  'GET /api/v1/workflows/:name/versions/:version': viewer,
  'GET /api/v1/workflows/:name/diagram': viewer,
  'POST /api/v1/workflows/:name/estimate': viewer,

  'POST /api/v1/runs': operator('run.start'),
  'GET /api/v1/runs': viewer,
  'GET /api/v1/runs/:id': viewer,
  'GET /api/v1/runs/:id/nodes/:nodeId': viewer,
  'POST /api/v1/runs/:id/cancel': operator('run.cancel'),
  'POST /api/v1/runs/:id/pause': operator('run.pause'),
  'POST /api/v1/runs/:id/resume': operator('run.resume'),
  'POST /api/v1/runs/:id/approvals/:nodeId': operator('run.approve'),
  'POST /api/v1/runs/:id/budget': operator('run.budget'),
  'POST /api/v1/runs/:id/rerun': operator('run.rerun'),
  'GET /api/v1/runs/:id/critical-path': viewer,
  'GET /api/v1/runs/:id/definition': viewer,

  'GET /api/v1/runs/:id/events': viewer,
  'GET /api/v1/events': viewer,

  'POST /api/v1/schedules': operator('schedule.create'),
  'GET /api/v1/schedules': viewer,
  'GET /api/v1/schedules/:id': viewer,
  'PATCH /api/v1/schedules/:id': operator('schedule.update'),
  'POST /api/v1/schedules/:id/pause': operator('schedule.pause'),
  'POST /api/v1/schedules/:id/unpause': operator('schedule.unpause'),
  'POST /api/v1/schedules/:id/trigger': operator('schedule.trigger'),
  'DELETE /api/v1/schedules/:id': operator('schedule.delete'),

  'GET /api/v1/analytics/summary': viewer,
  'GET /api/v1/analytics/workflows/:name': viewer,
  'GET /api/v1/analytics/costs': viewer,
  'GET /api/v1/analytics/recommendations': viewer,

  'GET /api/v1/budgets': viewer,
  'PUT /api/v1/budgets/:workflow': { role: 'admin', action: 'budget.set' },
  'DELETE /api/v1/budgets/:workflow': { role: 'admin', action: 'budget.delete' },

  'GET /api/v1/alerts': viewer,
  'POST /api/v1/alerts/rules': { role: 'admin', action: 'alert.rule.create' },
  'GET /api/v1/alerts/rules': viewer,
  'GET /api/v1/alerts/rules/:id': viewer,
  'PUT /api/v1/alerts/rules/:id': { role: 'admin', action: 'alert.rule.update' },
  'DELETE /api/v1/alerts/rules/:id': { role: 'admin', action: 'alert.rule.delete' },
  'POST /api/v1/alerts/channels': { role: 'admin', action: 'alert.channel.create' },
  // Admin: a channel's URL (a Slack incoming webhook's) is itself a credential.
  'GET /api/v1/alerts/channels': admin,
  'DELETE /api/v1/alerts/channels/:id': { role: 'admin', action: 'alert.channel.delete' },
  'POST /api/v1/alerts/silences': operator('alert.silence'),
  'GET /api/v1/alerts/silences': viewer,
  'DELETE /api/v1/alerts/silences/:id': operator('alert.unsilence'),
  'GET /api/v1/alerts/deliveries': viewer,

  'GET /api/v1/export/runs': viewer,
  'GET /api/v1/export/node-executions': viewer,
  'GET /api/v1/export/costs': viewer,
  'GET /api/v1/export/audit': admin,

  'GET /metrics': pub,

  'GET /api/v1/plugins': viewer,
  'GET /api/v1/whoami': viewer,

  'POST /api/v1/keys': { role: 'admin', action: 'key.create' },
  'GET /api/v1/keys': admin,
  'DELETE /api/v1/keys/:id': { role: 'admin', action: 'key.revoke' },
  'GET /api/v1/audit': admin,
  'GET /api/v1/users': admin,
  'PATCH /api/v1/users/:id': { role: 'admin', action: 'user.role' },
  'DELETE /api/v1/users/:id/sessions': { role: 'admin', action: 'user.revoke-sessions' },
};

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether a key of role `have` may call a route that needs `need`. */
export function roleAllows(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}

/** The table's key for a route. */
export function accessKey(method: string, pattern: string): string {
  return `${method.toUpperCase()} ${pattern}`;
}

/** A route's access entry, or undefined when the table lacks it. */
export function findAccess(method: string, pattern: string): Access | undefined {
  return ACCESS_TABLE[accessKey(method, pattern)];
}

/**
 * A route's access entry.
 * @throws Error when the route has none, so an unlisted route stops start-up instead of going unguarded.
 */
export function accessFor(method: string, pattern: string): Access {
  const access = findAccess(method, pattern);
  if (!access) throw new Error(`no access entry for ${accessKey(method, pattern)}: add one to ACCESS_TABLE in src/api/access.ts`);
  return access;
}
