import type { Compiler, Configuration } from 'webpack';

/** Characters beyond Latin-1: one of them anywhere makes V8 store a whole string at two bytes a character. */
const BEYOND_LATIN1 = /[\u0100-\uffff]/g;

/**
 * `text` with every character beyond Latin-1 written as its four-digit `\u`
 * escape, an ellipsis as `\u2026` (a character beyond the BMP as its two
 * surrogates). In JavaScript source that means the same thing in strings,
 * regular expressions, identifiers and comments; only a template literal's
 * `raw` text would differ, and the workflow code reads none.
 */
export function escapeBeyondLatin1(text: string): string {
  return text.replace(BEYOND_LATIN1, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const NAME = 'weft-latin1-bundle';

/**
 * A webpack config hook for the workflow bundle: escapes the few characters
 * beyond Latin-1 that comments and strings bring in (a dash in the SDK's
 * comments, JSONata's `λ`, an ellipsis in Weft's own), so V8 holds the bundle,
 * a few MB of code and source map that the worker keeps for its life in the
 * main thread and every workflow thread, at one byte a character instead of
 * two. It rewrites the emitted code before webpack appends the source map,
 * through webpack's `ReplaceSource`, so the map still points at the sources.
 */
export function latin1Bundle(config: Configuration): Configuration {
  return { ...config, plugins: [...(config.plugins ?? []), { apply: escapeEmittedCode }] };
}

function escapeEmittedCode(compiler: Compiler): void {
  const { Compilation, sources } = compiler.webpack;
  compiler.hooks.thisCompilation.tap(NAME, (compilation) => {
    // Before DEV_TOOLING, the stage that appends the inline source map.
    compilation.hooks.processAssets.tap({ name: NAME, stage: Compilation.PROCESS_ASSETS_STAGE_OPTIMIZE_COMPATIBILITY }, (assets) => {
      for (const [name, asset] of Object.entries(assets)) {
        if (!name.endsWith('.js')) continue;
        const found = [...asset.source().toString().matchAll(BEYOND_LATIN1)];
        if (found.length === 0) continue;
        const replaced = new sources.ReplaceSource(asset);
        for (const { 0: c, index } of found) replaced.replace(index, index, escapeBeyondLatin1(c));
        compilation.updateAsset(name, replaced);
      }
    });
  });
}
