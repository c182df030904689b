import type { z } from 'zod';
import type { Logger } from '../logger.js';
import type { HookEvent, HookName } from './contract.js';

/** A JSON Schema (draft 2020-12) object. */
export type JsonSchema = Record<string, unknown>;

/** How a plugin fails a node on purpose (see {@link PluginContext.fail}). */
export interface FailOptions {
  /** Stop retrying: the failure will not go away by itself. */
  nonRetryable?: boolean;
  /** Wait this long before the next attempt (e.g. a server's Retry-After), instead of the node's backoff. */
  retryAfterMs?: number;
}

/** What a node type's `run` gets besides its config: one attempt's tools. */
export interface PluginContext {
  runId: string;
  /** The workflow's name, or null when not known. */
  workflow: string | null;
  nodeId: string;
  /** The activity attempt (1-based). */
  attempt: number;
  /** Aborted when the node is cancelled (run cancelled, failed fast, timed out). */
  signal: AbortSignal;
  /** Tells Temporal the attempt is alive; needed for long runs with a heartbeat timeout. */
  heartbeat(details?: unknown): void;
  /** A pino logger bound to the plugin, node, run and attempt. */
  log: Logger;
  /**
   * A worker secret (`WEFT_SECRET_<NAME>`), only for names the node type lists
   * in `secrets`. Throws a non-retryable `SECRET_MISSING` when it is not set.
   */
  secret(name: string): string;
  /** The global `fetch`, aborted with {@link signal}. */
  fetch: typeof fetch;
  /** Fails the attempt with a typed failure (never returns). */
  fail(type: string, message: string, options?: FailOptions): never;
  /**
   * The same on every attempt of one unit of work: `<runId>/<nodeId>` for a
   * node, `<runId>/<nodeId>/<callId>` for an agent's tool call. Pass it to an
   * API that deduplicates, so a retried attempt does not act twice.
   */
  idempotencyKey: string;
}

/** One node type a plugin adds, named `<plugin>.<key>` in definitions. */
export interface NodeTypeDefinition<C = unknown> {
  description: string;
  /** The node's `config`: a JSON Schema (draft 2020-12) or a zod 4 schema. A missing `config` is checked as `{}`. */
  config: JsonSchema | z.ZodType<C>;
  /** Secret names `ctx.secret` may read. */
  secrets?: readonly string[];
  /** Runs one attempt; its resolved value is the node's output (JSON). */
  run(ctx: PluginContext, config: C): unknown;
}

/** What a hook gets besides its event. */
export interface HookContext {
  /** Aborted when the hook runs past its time limit (10 s). */
  signal: AbortSignal;
  log: Logger;
}

export type HookFunction = (event: HookEvent, ctx: HookContext) => void | Promise<void>;

/** A plugin: the default export of its module. */
export interface Plugin {
  /** `[a-z][a-z0-9-]{0,31}`; its node types are `<name>.<type>`. */
  name: string;
  version: string;
  nodeTypes?: Record<string, NodeTypeDefinition>;
  hooks?: Partial<Record<HookName, HookFunction>>;
}

/** Identity: gives a plugin object its types (`export default definePlugin({...})`). */
export function definePlugin<const P extends Plugin>(plugin: P): P {
  return plugin;
}
