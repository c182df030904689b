import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import type { Config } from '../config.js';
import { PluginLoadError } from './load-error.js';
import { checkManifest } from './manifest.js';
import { PluginRegistry, type LoadedPlugin } from './registry.js';

/** The plugins shipped with Weft, loadable by name in `WEFT_PLUGINS`. */
const SHIPPED: Record<string, () => Promise<unknown>> = {
  webhook: () => import('./webhook/index.js'),
  slack: () => import('./slack/index.js'),
  github: () => import('./github/index.js'),
};

const PLUGIN_FILE = /\.(js|mjs|ts)$/;

/** Where plugins come from. */
export interface PluginSources {
  /** Shipped plugin names, module specifiers or file paths (`WEFT_PLUGINS`). */
  specifiers: readonly string[];
  /** A directory whose `.js`, `.mjs` and `.ts` files and package folders are plugins; missing = none. */
  dir?: string | undefined;
  /** What relative paths resolve against (default: the working directory). */
  cwd?: string;
}

/** The sources the settings name: `WEFT_PLUGINS`, and `WEFT_PLUGIN_DIR` (default `<WEFT_DATA_DIR>/plugins`). */
export function pluginSources(config: Pick<Config, 'WEFT_PLUGINS' | 'WEFT_PLUGIN_DIR' | 'WEFT_DATA_DIR'>): PluginSources {
  return { specifiers: config.WEFT_PLUGINS ?? [], dir: config.WEFT_PLUGIN_DIR ?? join(config.WEFT_DATA_DIR, 'plugins') };
}

/**
 * Loads every plugin the sources name and builds the registry.
 * @throws PluginLoadError naming the plugin (path or specifier, and name when known) and the reason.
 */
export async function loadPlugins(sources: PluginSources): Promise<PluginRegistry> {
  const cwd = sources.cwd ?? process.cwd();
  const loaded: LoadedPlugin[] = [];
  for (const specifier of sources.specifiers) loaded.push(await loadOne(specifier, () => importSpecifier(specifier, cwd)));
  for (const path of scanDir(sources.dir === undefined ? undefined : resolve(cwd, sources.dir))) loaded.push(await loadOne(path, () => importPath(path)));
  return PluginRegistry.from(loaded);
}

async function loadOne(source: string, load: () => Promise<unknown>): Promise<LoadedPlugin> {
  let mod: unknown;
  try {
    mod = await load();
  } catch (err) {
    throw new PluginLoadError(`plugin ${source} failed to load: ${(err as Error).message ?? String(err)}`);
  }
  const value = (mod as { default?: unknown } | null)?.default;
  if (value === undefined) throw new PluginLoadError(`plugin ${source} has no default export (export default a plugin object)`);
  const checked = checkManifest(value);
  if (!checked.ok) {
    const name = (value as { name?: unknown }).name;
    throw new PluginLoadError(`plugin ${source}${typeof name === 'string' ? ` (${name})` : ''} is not a valid plugin: ${checked.problems.join('; ')}`);
  }
  return { plugin: checked.plugin, source };
}

function importSpecifier(specifier: string, cwd: string): Promise<unknown> {
  const shipped = SHIPPED[specifier];
  if (shipped) return shipped();
  const path = resolve(cwd, specifier);
  // A path that exists is a file (or package folder); one that looks like a path must exist; anything else is a module specifier.
  if (existsSync(path)) return importPath(path);
  if (/^(\.{1,2}[\\/]|[\\/])/.test(specifier) || PLUGIN_FILE.test(specifier)) return Promise.reject(new Error(`no such file ${path}`));
  return import(specifier);
}

/** A plugin file, or a package folder through its entry file. */
function importPath(path: string): Promise<unknown> {
  return importFile(statSync(path).isDirectory() ? packageEntry(path) : path);
}

/** `.ts` goes through tsx, so TypeScript plugins load from a built Weft too. */
function importFile(path: string): Promise<unknown> {
  const url = pathToFileURL(path).href;
  return path.endsWith('.ts') ? tsImport(url, import.meta.url) : import(url);
}

/** Plugin files and package folders in a directory, sorted so the load order is stable. */
function scanDir(dir: string | undefined): string[] {
  if (dir === undefined || !existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isFile() && PLUGIN_FILE.test(entry.name) && !entry.name.endsWith('.d.ts')) found.push(path);
    else if (entry.isDirectory() && existsSync(join(path, 'package.json'))) found.push(path);
  }
  return found;
}

/** A package folder's entry file: its `exports` (`.` → `import`/`default`), else `main`, else `index.js`. */
function packageEntry(dir: string): string {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports?: unknown; main?: string };
  const pick = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (value === null || typeof value !== 'object') return undefined;
    const map = value as Record<string, unknown>;
    return pick(map['.'] ?? map.import ?? map.default);
  };
  return join(dir, pick(pkg.exports) ?? pkg.main ?? 'index.js');
}
