import { HookName } from './contract.js';
import { compileConfigSchema, type ConfigCheck, type ConfigIssue, type ConfigSchema } from './config-schema.js';
import { PluginLoadError } from './load-error.js';
import type { HookFunction, NodeTypeDefinition, Plugin } from './types.js';

/** A plugin as loaded, with where it came from (for error messages). */
export interface LoadedPlugin {
  plugin: Plugin;
  /** The file path or module specifier it was loaded from. */
  source: string;
}

/** One plugin node type, ready to check and run. */
export interface PluginNodeType {
  /** `<plugin>.<type>`. */
  type: string;
  plugin: { name: string; version: string };
  description: string;
  secrets: readonly string[];
  config: ConfigSchema;
  run: NodeTypeDefinition['run'];
}

/** A plugin as `GET /plugins` lists it. */
export interface PluginListing {
  name: string;
  version: string;
  nodeTypes: { type: string; description: string; configSchema: Record<string, unknown> }[];
  hooks: HookName[];
}

/** One loaded hook function with its plugin's name. */
export interface RegisteredHook {
  plugin: string;
  hook: HookName;
  call: HookFunction;
}

const isTemplate = (value: unknown) => typeof value === 'string' && value.includes('{{');

/** The value at a JSON pointer, or undefined. */
function valueAt(root: unknown, path: string): unknown {
  if (path === '') return root;
  let node = root;
  for (const raw of path.slice(1).split('/')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/**
 * The loaded plugins: node types by `<name>.<type>`, hooks by name, listing and
 * config checks. The API and the worker each build one from the same settings.
 */
export class PluginRegistry {
  private constructor(
    private readonly plugins: readonly Plugin[],
    private readonly types: ReadonlyMap<string, PluginNodeType>,
  ) {}

  /** No plugins. */
  static empty(): PluginRegistry {
    return new PluginRegistry([], new Map());
  }

  /**
   * Builds the registry, compiling every config schema.
   * @throws PluginLoadError when two plugins share a name or a config schema is unusable.
   */
  static from(loaded: readonly LoadedPlugin[]): PluginRegistry {
    const byName = new Map<string, string>();
    const types = new Map<string, PluginNodeType>();
    for (const { plugin, source } of loaded) {
      const earlier = byName.get(plugin.name);
      if (earlier !== undefined) throw new PluginLoadError(`plugins ${earlier} and ${source} are both named ${plugin.name}`);
      byName.set(plugin.name, source);
      for (const [key, def] of Object.entries(plugin.nodeTypes ?? {})) {
        let config: ConfigSchema;
        try {
          config = compileConfigSchema(def.config);
        } catch (err) {
          throw new PluginLoadError(`plugin ${plugin.name} (${source}): nodeTypes.${key}.${(err as Error).message}`);
        }
        const type = `${plugin.name}.${key}`;
        types.set(type, { type, plugin: { name: plugin.name, version: plugin.version }, description: def.description, secrets: def.secrets ?? [], config, run: def.run });
      }
    }
    return new PluginRegistry(
      loaded.map((l) => l.plugin),
      types,
    );
  }

  /** Whether `<plugin>.<type>` is loaded. */
  has(type: string): boolean {
    return this.types.has(type);
  }

  nodeType(type: string): PluginNodeType | undefined {
    return this.types.get(type);
  }

  /** Names of the loaded plugins. */
  names(): string[] {
    return this.plugins.map((p) => p.name);
  }

  /** Hook names at least one plugin observes, in catalogue order. */
  hookNames(): HookName[] {
    return Object.values(HookName).filter((hook) => this.plugins.some((p) => p.hooks?.[hook] !== undefined));
  }

  /** Every plugin's function for one hook. */
  hooks(hook: HookName): RegisteredHook[] {
    return this.plugins.flatMap((p) => {
      const call = p.hooks?.[hook];
      return call ? [{ plugin: p.name, hook, call }] : [];
    });
  }

  /**
   * Checks a node's config as written in a definition (a missing config counts as `{}`).
   * A problem at a value holding a template (`{{ }}`) is not reported: its type is
   * known only at run time, when {@link parseConfig} checks the resolved config.
   * An unknown type yields no issues (validation reports it as UNKNOWN_TYPE).
   */
  checkConfig(type: string, config: unknown): ConfigIssue[] {
    const result = this.parseConfig(type, config);
    if (result.ok) return [];
    return result.issues.filter((issue) => !isTemplate(valueAt(config, issue.path)));
  }

  /** Checks a resolved config strictly; a zod schema's parsed value comes back. */
  parseConfig(type: string, config: unknown): ConfigCheck {
    const nodeType = this.types.get(type);
    return nodeType ? nodeType.config.check(config ?? {}) : { ok: true, value: config };
  }

  /** The plugins as `GET /plugins` lists them; `configSchema` is always JSON Schema. */
  list(): PluginListing[] {
    return this.plugins.map((p) => ({
      name: p.name,
      version: p.version,
      nodeTypes: [...this.types.values()].filter((t) => t.plugin.name === p.name).map((t) => ({ type: t.type, description: t.description, configSchema: t.config.jsonSchema })),
      hooks: this.hookNames().filter((hook) => p.hooks?.[hook] !== undefined),
    }));
  }
}
