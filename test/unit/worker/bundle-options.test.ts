import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workflowBundleOptions } from '../../../src/worker/bundle-options.js';

describe('workflowBundleOptions', () => {
  const { workflowsPath, preloadModules } = workflowBundleOptions();

  it('starts at src/workflows and preloads only src/dag modules that exist', () => {
    expect(workflowsPath).toMatch(/\/src\/workflows\/index\.ts$/);
    expect(preloadModules.length).toBeGreaterThan(0);
    for (const path of preloadModules) {
      expect(path).toMatch(/\/src\/dag\/[a-z-]+\.ts$/);
      expect(() => readFileSync(path)).not.toThrow();
    }
  });

  it('names the modules the interpreter imports at run time, and none it imports only for types', () => {
    const names = preloadModules.map((p) => basename(p));
    // run-workflow.ts imports RunMachine and the templates' evaluator.
    expect(names).toEqual(expect.arrayContaining(['run-machine.ts', 'expressions.ts', 'plan.ts']));
    // The DSL's zod schemas reach src/workflows only as `import type`: preloading them would bundle zod.
    expect(names).not.toContain('schema.ts');
  });
});
