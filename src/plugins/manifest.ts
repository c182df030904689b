import { z } from 'zod';
import { HookName } from './contract.js';
import type { Plugin } from './types.js';

/** A plugin's name; node types are `<name>.<type>`. */
export const PLUGIN_NAME = /^[a-z][a-z0-9-]{0,31}$/;
/** A node type's key within its plugin. */
const TYPE_KEY = /^[a-z][a-zA-Z0-9_-]{0,63}$/;

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');
const configSchema = z.custom<object>(
  (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  'must be a JSON Schema object or a zod schema',
);

const hookEntries = Object.fromEntries(Object.values(HookName).map((name) => [name, fn.optional()]));

/** The shape a plugin module's default export must have (contract section 9). */
export const pluginManifestSchema = z.strictObject({
  name: z.string().regex(PLUGIN_NAME, 'must match [a-z][a-z0-9-]{0,31}'),
  version: z.string().min(1).max(64),
  nodeTypes: z
    .record(
      z.string().regex(TYPE_KEY, 'node type keys must match [a-z][a-zA-Z0-9_-]{0,63}'),
      z.strictObject({
        description: z.string().min(1),
        config: configSchema,
        secrets: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a secret name')).optional(),
        run: fn,
      }),
    )
    .optional(),
  hooks: z.strictObject(hookEntries).optional(),
});

/** Checks a module's default export; returns it typed, or every problem as `field: message`. */
export function checkManifest(value: unknown): { ok: true; plugin: Plugin } | { ok: false; problems: string[] } {
  const parsed = pluginManifestSchema.safeParse(value);
  if (parsed.success) return { ok: true, plugin: value as Plugin };
  return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'default export'}: ${i.message}`) };
}
