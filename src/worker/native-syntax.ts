import type { Configuration, RuleSetRule, RuleSetUseItem } from 'webpack';

/** What Node 20's V8 runs natively, as `tsconfig.json` builds `dist/` (the bundle of a built Weft takes those files as they are). */
const TARGET = 'es2022';

/**
 * A webpack config hook for the workflow bundle: the SDK compiles `.ts`
 * sources with swc for ES2017, which turns every object spread into calls of
 * `_object_spread` helpers and every class field into `_define_property`
 * calls. The interpreter spreads records at every change of a node, and in a
 * workflow's V8 context each helper's lookups of `Object` go through the
 * context's global object: a bundle built from source (`weft dev`, tsx, the
 * tests) ran slower than one built from `dist/`. Here swc targets what the
 * runtime runs natively, the syntax `dist/` has; the semantics are the same
 * (class fields are defined either way), and so are the commands.
 */
export function nativeSyntax(config: Configuration): Configuration {
  const rules = (config.module?.rules ?? []).map((rule) => (rule && typeof rule === 'object' ? retarget(rule) : rule));
  return { ...config, module: { ...config.module, rules } };
}

function retarget(rule: RuleSetRule): RuleSetRule {
  const use = rule.use;
  if (!use || typeof use !== 'object' || Array.isArray(use) || !isSwc(use)) return rule;
  const options = (use.options ?? {}) as { jsc?: Record<string, unknown> };
  return { ...rule, use: { ...use, options: { ...options, jsc: { ...options.jsc, target: TARGET } } } };
}

function isSwc(use: RuleSetUseItem): use is Exclude<RuleSetUseItem, string | ((...args: never[]) => unknown)> & { loader: string } {
  return typeof use === 'object' && typeof use.loader === 'string' && use.loader.includes('swc-loader');
}
