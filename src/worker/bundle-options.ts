import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BundleOptions } from '@temporalio/worker';
import { latin1Bundle } from './latin1-bundle.js';
import { nativeSyntax } from './native-syntax.js';

/** Where the workflow bundle starts: `.ts` when run from source (tsx, tests), `.js` when built. */
function workflowsPath(): string {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return fileURLToPath(new URL(`../workflows/index.${ext}`, import.meta.url));
}

/**
 * How Weft's workflow bundle is built, by the worker's bundling child, the
 * tests' setup (whose bundle the replay suite replays) and the benchmarks
 * alike. The SDK's reusable V8 context evaluates a bundle's modules again at
 * every run's start, except those it preloads: evaluated once per workflow
 * thread, before any run, then frozen and shared by the thread's runs. Those
 * are the pure modules the workflows import (`src/dag`, which lint keeps free
 * of state a run could leave behind) and, through them, JSONata, whose module
 * builds its whole function library when evaluated; compiled expressions are
 * then cached for the thread's runs rather than for one run. The sources'
 * syntax is kept as the runtime runs it (see `nativeSyntax`), and the emitted
 * code is Latin-1 throughout (see `latin1Bundle`).
 */
export function workflowBundleOptions(): Required<Pick<BundleOptions, 'workflowsPath' | 'preloadModules' | 'webpackConfigHook'>> {
  const entry = workflowsPath();
  return { workflowsPath: entry, preloadModules: pureImports(dirname(entry)), webpackConfigHook: (config) => latin1Bundle(nativeSyntax(config)) };
}

const IMPORT = /^(?:import|export)\s+(type\s+)?(?:(\{[^}]*\}|[^'"]*?)\s+from\s+)?'([^']+)'/gm;

/** The `dag` modules that files under `dir` import for more than their types. */
function pureImports(dir: string): string[] {
  const pure = join(dirname(dir), 'dag') + sep;
  const found = new Set<string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.[jt]s$/.test(entry.name) || entry.name.endsWith('.d.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    for (const [, typeOnly, names, specifier] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      if (typeOnly || !specifier!.startsWith('.') || (names !== undefined && onlyTypes(names))) continue;
      const target = resolve(dirname(file), specifier!);
      // Sources import `./x.js` for `./x.ts`; a built tree has the `.js` itself.
      if (target.startsWith(pure)) found.add(entry.name.endsWith('.ts') ? target.replace(/\.js$/, '.ts') : target);
    }
  }
  return [...found].sort();
}

/** `{ type A, type B }`: names TypeScript erases, so the import brings no module in. */
function onlyTypes(names: string): boolean {
  if (!names.startsWith('{')) return false;
  const list = names.slice(1, -1).split(',').map((n) => n.trim()).filter(Boolean);
  return list.length > 0 && list.every((n) => n.startsWith('type '));
}
