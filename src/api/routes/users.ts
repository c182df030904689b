import { z } from 'zod';
import { roles } from '../../db/schema/api-keys.js';
import type { UserRow } from '../../db/schema/users.js';
import type { SessionsRepo } from '../../db/sessions-repo.js';
import { effectiveRole, type UsersRepo } from '../../db/users-repo.js';
import { AppError } from '../errors.js';
import { timestamp } from '../responses.js';
import { defineRoute, reply, type RouteSpec } from '../route-spec.js';

/** A user as listed (weft-ops §15). */
export const userInfo = z.object({
  id: z.string(),
  /** The provider's subject (`sub`) and issuer. */
  subject: z.string(),
  issuer: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  /** The role they act with (the override, else the claim's); null: no access. */
  role: z.enum(roles).nullable(),
  /** The role their claim mapped to at their last sign-in. */
  claimRole: z.enum(roles).nullable(),
  /** An admin's override, winning over the claim while set. */
  roleOverride: z.enum(roles).nullable(),
  createdAt: timestamp,
  lastSeenAt: timestamp.nullable(),
});

const setRoleBody = z.strictObject({
  /** The override; null clears it (the claim decides again). */
  role: z.enum(roles).nullable(),
});

function infoOf(user: UserRow): z.output<typeof userInfo> {
  return { ...user, role: effectiveRole(user) };
}

/** `/users` (admin): who signed in, role overrides, and ending a user's sessions. */
export function userRoutes(users: UsersRepo, sessions: SessionsRepo, now: () => Date): RouteSpec[] {
  const userId = z.object({ id: z.uuid() });
  return [
    defineRoute({
      method: 'get',
      path: '/users',
      summary: 'Who signed in with the OpenID provider: subject, email, name, role, last seen',
      responses: { 200: { description: 'every user, oldest first', schema: z.object({ items: z.array(userInfo) }) } },
    },
    async () => reply(200, { items: (await users.list()).map(infoOf) }),
    ),
    defineRoute({
      method: 'patch',
      path: '/users/:id',
      summary: "Override a user's role (null: back to the claim's); counts from their next request",
      params: userId,
      body: setRoleBody,
      responses: { 200: { description: 'the user', schema: userInfo } },
    },
    async ({ params, body }) => {
        const user = await users.override(params.id, body.role);
        if (!user) throw new AppError('NOT_FOUND', `no user ${params.id}`);
        return reply(200, infoOf(user), { details: { role: body.role } });
      },
    ),
    defineRoute({
      method: 'delete',
      path: '/users/:id/sessions',
      summary: "End every session of a user: their next request gets 401",
      params: userId,
      responses: { 200: { description: 'how many sessions ended', schema: z.object({ ended: z.int() }) } },
    },
    async ({ params }) => {
        if (!(await users.find(params.id))) throw new AppError('NOT_FOUND', `no user ${params.id}`);
        const ended = await sessions.revokeAll(params.id, now());
        return reply(200, { ended }, { details: { ended } });
      },
    ),
  ];
}
