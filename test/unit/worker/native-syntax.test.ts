import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import type { Configuration } from 'webpack';
import { nativeSyntax } from '../../../src/worker/native-syntax.js';

/** The rules the SDK's bundler sets (node_modules/@temporalio/worker/lib/workflow/bundler.js), in brief. */
const sdkConfig = (): Configuration => ({
  mode: 'development',
  module: {
    rules: [
      { test: /\.js$/, enforce: 'pre', use: ['source-map-loader'] },
      { test: /\.ts$/, exclude: /node_modules/, use: { loader: '/x/node_modules/swc-loader/src/index.js', options: { sourceMap: true, jsc: { target: 'es2017', parser: { syntax: 'typescript', decorators: true } } } } },
    ],
  },
});

describe('nativeSyntax', () => {
  it("has swc compile the sources for ES2022, its other options and the other rules as they were", () => {
    const before = sdkConfig();
    const after = nativeSyntax(before);
    expect(after.module?.rules?.[0]).toEqual(before.module?.rules?.[0]);
    expect(after.module?.rules?.[1]).toEqual({
      test: /\.ts$/,
      exclude: /node_modules/,
      use: { loader: '/x/node_modules/swc-loader/src/index.js', options: { sourceMap: true, jsc: { target: 'es2022', parser: { syntax: 'typescript', decorators: true } } } },
    });
    // The SDK's own object is left alone.
    expect(sdkConfig()).toEqual(before);
    expect(after.mode).toBe('development');
  });
});

describe('the workflow bundle', () => {
  it("keeps the interpreter's object spreads and class fields native: no swc helpers for them", () => {
    // The bundle the suite's workers run, built with workflowBundleOptions() (test/support/global-setup.ts).
    const code = readFileSync(inject('workflowBundlePath'), 'utf8');
    expect(code).toContain('class RunMachine');
    expect(code).not.toMatch(/function _object_spread\(|function _define_property\(/);
  });
});
