import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The lint rules that keep workflow code deterministic really do fire. */
const eslint = new ESLint({ cwd: join(import.meta.dirname, '..', '..') });

async function messages(rule: string, file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  return (result?.messages ?? []).filter((m) => m.ruleId === rule).map((m) => m.message);
}

const restricted = (file: string, code: string) => messages('no-restricted-imports', file, code);

describe('workflow import rule', () => {
  it('refuses runtime imports of Node, the database or the activity SDK in src/workflows', async () => {
    for (const source of ["import { readFileSync } from 'node:fs';", "import postgres from 'postgres';", "import { Context } from '@temporalio/activity';", "import { RunsRepo } from '../db/runs-repo.js';"]) {
      expect(await restricted('src/workflows/probe.ts', `${source}\nexport const x = 1;\n`)).toHaveLength(1);
    }
  });

  it('allows @temporalio/workflow, pure src/dag modules and type-only imports', async () => {
    const code = [
      "import { condition } from '@temporalio/workflow';",
      "import { compilePlan } from '../dag/plan.js';",
      "import type { RunsRepo } from '../db/runs-repo.js';",
      "import { x } from './messages.js';",
      'export const y = [condition, compilePlan, x] as unknown as RunsRepo;',
    ].join('\n');
    expect(await restricted('src/workflows/probe.ts', code)).toEqual([]);
  });

  it('holds one folder down too: node executors may import src/workflows and src/dag, nothing else at run time', async () => {
    for (const source of ["import { Context } from '@temporalio/activity';", "import { createActivities } from '../../activities/index.js';", "import { x } from '../../db/client.js';"]) {
      expect(await restricted('src/workflows/nodes/probe.ts', `${source}\nexport const y = x;\n`)).toHaveLength(1);
    }
    const allowed = ["import { sleep } from '@temporalio/workflow';", "import { succeeded } from '../../dag/outcome.js';", "import { errorOf } from '../failures.js';", "import { agent } from './agent.js';", "import type { WeftActivities } from '../../activities/contract.js';"];
    expect(await restricted('src/workflows/nodes/probe.ts', `${allowed.join('\n')}\nexport const y = 1;\n`)).toEqual([]);
  });

  it('keeps src/dag pure', async () => {
    expect(await restricted('src/dag/probe.ts', "import { randomUUID } from 'node:crypto';\nexport const x = randomUUID;\n")).toHaveLength(1);
  });
});

describe('import cycle rule', () => {
  // Linted as an existing src/ file that test/fixtures/import-cycle/back.ts imports, so importing back.ts closes a cycle.
  const probe = 'src/dag/duration.ts';
  const cycles = (code: string) => messages('weft/no-import-cycle', probe, `${code}\nexport const parseDuration = 1;\n`);

  it('reports an import that leads back to the importing file, naming the chain', async () => {
    expect(await cycles("import { back } from '../../test/fixtures/import-cycle/back.js';\nexport const x = back;")).toEqual([
      'Import cycle: src/dag/duration.ts -> test/fixtures/import-cycle/back.ts -> src/dag/duration.ts',
    ]);
    expect(await cycles("export { via } from '../../test/fixtures/import-cycle/via.js';")).toEqual([
      'Import cycle: src/dag/duration.ts -> test/fixtures/import-cycle/via.ts -> test/fixtures/import-cycle/back.ts -> src/dag/duration.ts',
    ]);
  });

  it('counts type-only imports: a cycle of types still ties the two modules together', async () => {
    expect(await cycles("import type { back } from '../../test/fixtures/import-cycle/back.js';\nexport type X = typeof back;")).toHaveLength(1);
  });

  it('is quiet when nothing imports the file back', async () => {
    expect(await cycles("import { parseWorkflowRef } from './workflow-ref.js';\nexport const x = parseWorkflowRef;")).toEqual([]);
  });
});

describe('web import rule', () => {
  it('keeps the dashboard out of the CLI and the server at run time: shared code lives in src/sse or src/dag', async () => {
    for (const source of ["import { readStreamFrames } from '../../../src/cli/event-stream-reader';", "import { ErrorCodes } from '../../../src/api/errors';"]) {
      expect(await restricted('web/src/api/probe.ts', `${source}\nexport const x = 1;\n`), source).toHaveLength(1);
    }
    const allowed = [
      "import { readStreamFrames } from '../../../src/sse/event-stream-reader';",
      "import { isTerminalRun } from '../../../src/dag/run-state';",
      "import type { run } from '../../../src/api/responses';",
      "import { useApi } from './client';",
    ];
    expect(await restricted('web/src/api/probe.ts', `${allowed.join('\n')}\nexport const y = 1;\n`)).toEqual([]);
  });
});
