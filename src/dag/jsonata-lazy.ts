import type jsonata from 'jsonata';

let loaded: typeof jsonata | undefined;

/**
 * JSONata, loaded on first use rather than imported. The workflow bundle
 * evaluates every module it imports again at each workflow start, and
 * JSONata's module builds its whole function library when evaluated; most
 * runs' templates are plain paths (`readPlainPath` in expressions.ts) and never
 * need it. In the bundle webpack turns this `require` into its own, which
 * evaluates the module only when called; Node's ES modules have no `require`,
 * so there the module's own one is made.
 */
export function loadJsonata(): typeof jsonata {
  loaded ??= (typeof require === 'function' ? require : process.getBuiltinModule('node:module').createRequire(import.meta.url))('jsonata') as typeof jsonata;
  return loaded;
}
