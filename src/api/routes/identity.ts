import { identityResponse } from '../responses.js';
import { defineRoute, reply, type RouteSpec } from '../route-spec.js';

/** `GET /whoami` (viewer): the calling key's or session's id, name and role (never the key); a session's CSRF token. */
export function identityRoutes(): RouteSpec[] {
  return [
    defineRoute(
      { method: 'get', path: '/whoami', summary: "The calling key's or signed-in user's id, name and role", responses: { 200: { description: 'the caller', schema: identityResponse } } },
      ({ req }) => {
        const { id, name, role, kind, ref, session } = req.identity!;
        return reply(200, { id, name, role, kind, ref, ...(session ? { csrfToken: session.csrfToken } : {}) });
      },
    ),
  ];
}
