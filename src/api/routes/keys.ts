import { z } from 'zod';
import { roles } from '../../db/schema/api-keys.js';
import type { ApiKeysRepo } from '../../db/api-keys-repo.js';
import { AppError } from '../errors.js';
import { timestamp } from '../responses.js';
import { defineRoute, reply, type RouteSpec } from '../route-spec.js';

const createKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  role: z.enum(roles),
  expiresAt: timestamp.refine((at) => at.getTime() > Date.now(), 'must be in the future').optional(),
});

/** A key as listed (never the key or its hash). */
export const keyInfo = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(roles),
  /** The key's first characters; null for keys configured as plaintext (bootstrap), which are not shown in part. */
  prefix: z.string().nullable(),
  createdAt: timestamp,
  expiresAt: timestamp.nullable(),
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
});
/** A key as created: with the key itself, this once. */
export const createdKey = keyInfo.pick({ id: true, name: true, role: true, prefix: true, createdAt: true, expiresAt: true }).extend({
  /** The key itself: shown this once, stored only as a hash. */
  key: z.string(),
});

/** `/keys` (admin): create, list and revoke API keys (contract weft-ops §3). */
export function keyRoutes(keys: ApiKeysRepo): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/keys',
      summary: 'Create an API key; the key is in this answer only',
      body: createKeyBody,
      responses: { 201: { description: 'the new key, shown this once', schema: createdKey } },
    },
    async ({ body }) => {
        const { key, info } = await keys.create({ name: body.name, role: body.role, expiresAt: body.expiresAt ?? null });
        return reply(201, { ...info, key }, { target: info.id, details: { name: info.name, role: info.role, expiresAt: info.expiresAt?.toISOString() ?? null } });
      },
    ),
    defineRoute({
      method: 'get',
      path: '/keys',
      summary: 'List API keys (never a key or its hash)',
      responses: { 200: { description: 'every key, revoked and expired ones included', schema: z.object({ items: z.array(keyInfo) }) } },
    },
    async () => reply(200, { items: await keys.list() }),
    ),
    defineRoute({
      method: 'delete',
      path: '/keys/:id',
      summary: 'Revoke an API key: it gets 401 from the next request on',
      params: z.object({ id: z.uuid() }),
      errors: ['CONFLICT'],
      responses: { 204: { description: 'revoked' } },
    },
    async ({ params }) => {
        const result = await keys.revoke(params.id);
        if (result === 'not_found') throw new AppError('NOT_FOUND', `no key ${params.id}`);
        if (result === 'last_admin') throw new AppError('CONFLICT', 'this is the last active admin key; create another admin key first');
        return reply(204, undefined);
      },
    ),
  ];
}
