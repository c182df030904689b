// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import noImportCycle from './eslint-rules/no-import-cycle.js';

/** Workflow code must replay deterministically, so it may only import these at run time. */
const workflowImportRule = [
  'error',
  {
    patterns: [
      {
        // Anything but @temporalio/workflow, relative workflow modules and src/dag (pure).
        regex: '^(?!@temporalio/workflow$|\\./|\\.\\./dag/).*',
        allowTypeImports: true,
        message: 'src/workflows may import only @temporalio/workflow, pure src/dag modules and `import type` (replay determinism).',
      },
    ],
  },
];

/** The node executors, one folder down, may also import the rest of src/workflows. */
const nodeImportRule = [
  'error',
  {
    patterns: [
      {
        regex: '^(?!@temporalio/workflow$|\\./|\\.\\./(?!\\.\\./)|\\.\\./\\.\\./dag/).*',
        allowTypeImports: true,
        message: 'src/workflows may import only @temporalio/workflow, pure src/dag modules and `import type` (replay determinism).',
      },
    ],
  },
];

/** src/dag is pure: no I/O, no clock, no process; it runs inside the workflow sandbox. */
const pureImportRule = [
  'error',
  {
    patterns: [
      {
        regex: '^(?!\\./|jsonata$|zod$|yaml$).*',
        allowTypeImports: true,
        message: 'src/dag is pure: it may import only its own modules, jsonata, zod and yaml.',
      },
    ],
  },
];

/**
 * The dashboard runs in a browser and is the API's client: of the server's
 * modules it imports at run time only the ones shared with it on purpose
 * (src/sse, the event-stream reader; pure src/dag); types from anywhere.
 */
const webImportRule = [
  'error',
  {
    patterns: [
      {
        regex: '^(\\.\\./)+src/(?!sse/|dag/)',
        allowTypeImports: true,
        message: 'web/ may import at run time only src/sse and pure src/dag of the server (types from anywhere): share a module there instead of reaching into src/cli or src/api.',
      },
    ],
  },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.weft/', 'coverage/', 'test/fixtures/', 'web/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'error',
    },
  },
  {
    // A cycle lets evaluation order decide which module sees the other half-built, and hides which layer depends on which.
    files: ['src/**/*.ts'],
    plugins: { weft: { rules: { 'no-import-cycle': noImportCycle } } },
    rules: { 'weft/no-import-cycle': 'error' },
  },
  { files: ['src/workflows/*.ts'], rules: { 'no-restricted-imports': workflowImportRule } },
  { files: ['src/workflows/nodes/**/*.ts'], rules: { 'no-restricted-imports': nodeImportRule } },
  { files: ['src/dag/**/*.ts'], rules: { 'no-restricted-imports': pureImportRule } },
  { files: ['web/src/**/*.ts', 'web/src/**/*.tsx'], rules: { 'no-restricted-imports': webImportRule } },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  { files: ['src/conformance/api-client.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  { files: ['bin/**/*.js'], languageOptions: { globals: { process: 'readonly' } } },
);
