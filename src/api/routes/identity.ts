import { identityResponse } from '../responses.js';
import { defineRoute, reply, type RouteSpec } from '../route-spec.js';

/** `GET /whoami` (viewer): the calling key's id, name and role; never the key. */
export function identityRoutes(): RouteSpec[] {
  return [
    defineRoute(
      { method: 'get', path: '/whoami', summary: "The calling key's id, name and role", responses: { 200: { description: 'the key', schema: identityResponse } } },
      ({ req }) => {
        const { id, name, role } = req.identity!;
        return reply(200, { id, name, role });
      },
    ),
  ];
}
