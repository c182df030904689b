// @ts-check
import { statSync, readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import ts from 'typescript';

/**
 * Refuses an import that leads, through any chain of project modules, back to
 * the importing file. `import type` counts: a cycle of types still ties two
 * modules into one unit that cannot be understood, tested or moved apart, and
 * `eslint-plugin-import-x`'s no-cycle skips type imports unconditionally, which
 * is why this rule exists. Modules are resolved by TypeScript itself (the
 * project's tsconfig), so `./x.js` finds `x.ts` exactly as tsc does; packages
 * are not followed, since they cannot import back into the project.
 */

/** @type {Map<string, { options: ts.CompilerOptions; cache: ts.ModuleResolutionCache }>} compiler options and resolution cache by tsconfig path. */
const projects = new Map();
/** @type {Map<string, { mtimeMs: number; deps: string[] }>} a file's resolved project imports, until it changes. */
const depsByFile = new Map();

/** The project (tsconfig) a file belongs to; the cache spares a lint run re-resolving what tsc already knows how to find. */
function projectOf(/** @type {string} */ file) {
  const configPath = ts.findConfigFile(dirname(file), ts.sys.fileExists) ?? '';
  let project = projects.get(configPath);
  if (!project) {
    const options = configPath ? ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, dirname(configPath)).options : {};
    project = { options, cache: ts.createModuleResolutionCache(dirname(configPath || file), (f) => f, options) };
    projects.set(configPath, project);
  }
  return project;
}

/** The project file a specifier names, or undefined for a package or an unresolved name. */
function resolveImport(/** @type {string} */ specifier, /** @type {string} */ from) {
  const { options, cache } = projectOf(from);
  const { resolvedModule } = ts.resolveModuleName(specifier, from, options, ts.sys, cache, undefined, ts.ModuleKind.ESNext);
  if (!resolvedModule || resolvedModule.isExternalLibraryImport) return undefined;
  return resolvedModule.resolvedFileName;
}

/** The project files a file on disk imports (every kind: value, type, re-export, dynamic). */
function depsOf(/** @type {string} */ file) {
  const { mtimeMs } = statSync(file);
  const cached = depsByFile.get(file);
  if (cached?.mtimeMs === mtimeMs) return cached.deps;
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const deps = [...new Set(importedFiles.map((f) => resolveImport(f.fileName, file)).filter((d) => d !== undefined))];
  depsByFile.set(file, { mtimeMs, deps });
  return deps;
}

/** The shortest chain of imports from `start` to `target` (both included), if any. */
function pathBack(/** @type {string} */ start, /** @type {string} */ target) {
  /** @type {Map<string, string | null>} */
  const parent = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const file = /** @type {string} */ (queue.shift());
    for (const dep of depsOf(file)) {
      if (dep === target) {
        const chain = [target];
        for (let at = /** @type {string | null | undefined} */ (file); at; at = parent.get(at)) chain.unshift(at);
        return chain;
      }
      if (!parent.has(dep)) {
        parent.set(dep, file);
        queue.push(dep);
      }
    }
  }
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid imports (type imports included) that lead back to the importing module.' },
    schema: [],
    messages: { cycle: 'Import cycle: {{chain}}' },
  },
  create(context) {
    const file = context.physicalFilename;
    if (file === '<text>') return {}; // No path, so nothing can import it back.
    /** @param {import('estree').Node & { source?: import('estree').Node | null }} node */
    const check = (node) => {
      const source = node.source;
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const target = resolveImport(source.value, file);
      if (!target || target === file) return;
      const chain = pathBack(target, file);
      if (chain) context.report({ node, messageId: 'cycle', data: { chain: [file, ...chain].map((f) => relative(context.cwd, f)).join(' -> ') } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};
