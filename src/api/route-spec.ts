import type { Request, Router } from 'express';
import { z } from 'zod';
import { accessFor } from './access.js';
import { authorize } from './auth.js';
import { holdsNul } from './body-limits.js';
import { AppError, type ErrorCode } from './errors.js';
import { parseRequest } from './schemas.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One documented response. */
export interface ResponseSpec {
  description: string;
  /** The body, as handlers give it; encoded through this schema on the way out. None: an empty response (204). */
  schema?: z.ZodType;
  /** Default `application/json`. */
  contentType?: string;
  /** Other media types the same body may come as (a route that writes its own response, e.g. CSV or NDJSON by a query). */
  alsoContentTypes?: string[];
  /**
   * The handler's body is already its wire form (built by a typed mapper from
   * our own rows; `schema` has no codec or default that would change it), so
   * encoding it is only a check. It is sent as it is, and checked against
   * `schema` only where responses are checked (`checkResponses`: tests and
   * `weft dev`), not by `weft api`: for a page of 50 runs the check was a
   * tenth of the API's CPU a request. What still guards the shape: the
   * mapper's type, and the integration tests, which check every response
   * against the OpenAPI document made from `schema`.
   */
  wireForm?: true;
}

export type Responses = Record<number, ResponseSpec>;

/** What a handler adds to its route's audit record (contract weft-ops §3): never secrets or bodies. */
export interface AuditNote {
  /** Default: the route's path parameters, joined by `/`. */
  target?: string;
  details?: Record<string, unknown>;
}

type BodyOf<S> = S extends { schema: z.ZodType } ? z.output<S['schema']> : undefined;

/** A handler's answer: one of its route's documented statuses with the matching body. */
export type Reply<R extends Responses> = {
  [S in keyof R & number]: { status: S; body: BodyOf<R[S]>; audit?: AuditNote };
}[keyof R & number];

type Parsed<T> = T extends z.ZodType ? z.output<T> : undefined;

/**
 * A route of `/api/v1`: its request and response schemas (validation, handler
 * types and the OpenAPI document all come from these) and its handler. Who may
 * call it is in the access table (`access.ts`), not here.
 */
export interface RouteSpec<P = z.ZodType | undefined, Q = z.ZodType | undefined, B = z.ZodType | undefined, R extends Responses = Responses> {
  method: Method;
  /** Express pattern below the API base, e.g. `/runs/:id`. */
  path: string;
  summary: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Media types the body may come in (default JSON). */
  bodyTypes?: readonly string[];
  /** The body's documented JSON Schema when richer than what is checked here (definitions, validated in full by the handler). */
  bodyDocument?: object;
  responses: R;
  /** Error codes this route answers beyond the ones every route may (see `openapi.ts`). */
  errors?: readonly ErrorCode[];
  /** What an error status means on this route, when more than its code says (the OpenAPI response's description). */
  errorNotes?: Readonly<Partial<Record<number, string>>>;
  handle: Handler<P, Q, B, R>;
}

/** A route's handler, typed by its schemas: parsed inputs in, one documented reply out. */
export type Handler<P, Q, B, R extends Responses> = (input: { params: Parsed<P>; query: Parsed<Q>; body: Parsed<B>; req: Request }) => Reply<R> | Promise<Reply<R>>;

/**
 * A route from its description and its handler. Two arguments, so the schemas
 * are inferred first and then type the handler (its statuses stay literal).
 */
export function defineRoute<P extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined, const R extends Responses = Responses>(
  spec: Omit<RouteSpec<P, Q, B, R>, 'handle'>,
  handle: Handler<P, Q, B, R>,
): RouteSpec {
  return { ...spec, handle } as unknown as RouteSpec;
}

/** The base every route spec's path is below. */
export const API_BASE = '/api/v1';

/** How mounted routes answer. */
export interface MountOptions {
  /** Check `wireForm` bodies against their schema too (default true); every other body is encoded, and so checked, always. */
  checkResponses?: boolean;
}

/**
 * Registers routes on `router` at their full paths (so the router can be walked
 * route by route), each behind its access-table guard, with its parameters,
 * query and body parsed (400 with every issue), and its reply encoded through
 * its response schema (see `ResponseSpec.wireForm` for the exception).
 */
export function mountRoutes(router: Router, routes: readonly RouteSpec[], options: MountOptions = {}): void {
  const checkResponses = options.checkResponses ?? true;
  for (const route of routes) {
    const pattern = API_BASE + route.path;
    const { action } = accessFor(route.method, pattern);
    router[route.method](
      pattern,
      (req, res, next) => {
        // Before the guard, so a refused call is audited under its route too.
        if (action) res.locals.audit = { action, target: Object.values(req.params).join('/') || null };
        next();
      },
      ...authorize(route.method, pattern),
      async (req, res) => {
        // As for bodies (body-limits.ts): PostgreSQL takes no NUL in text, and a streamed answer would break mid-way.
        if (holdsNul(req.params) || holdsNul(req.query)) throw new AppError('BAD_REQUEST', 'a path or query parameter holds the character U+0000 (NUL), which Weft cannot store or look up');
        const reply = await route.handle({
          params: route.params ? parseRequest(route.params, req.params, 'path parameters') : undefined,
          query: route.query ? parseRequest(route.query, req.query, 'query') : undefined,
          body: route.body ? parseRequest(route.body, req.body, 'body') : undefined,
          req,
        });
        if (res.locals.audit && reply.audit) Object.assign(res.locals.audit, reply.audit);
        // A stream (server-sent events) has answered on its own already.
        if (res.headersSent) return;
        const spec = route.responses[reply.status];
        res.status(reply.status);
        if (!spec?.schema) {
          res.end();
        } else {
          const body = spec.wireForm && !checkResponses ? reply.body : z.encode(spec.schema, reply.body);
          if (spec.contentType && spec.contentType !== 'application/json') res.type(spec.contentType).send(body);
          else res.json(body);
        }
      },
    );
  }
}

/** A handler's reply; `status` stays a literal, so the body is checked against that status's schema. */
export function reply<const S extends number, T>(status: S, body: T, audit?: AuditNote): { status: S; body: T; audit?: AuditNote } {
  return audit ? { status, body, audit } : { status, body };
}
