import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { LogLevel, Logger as TemporalLogger } from '@temporalio/worker';

const run = promisify(execFile);

/**
 * Bundles the workflow code (`src/workflows`) for a worker in a child process.
 * Webpack's compilation takes a few hundred MiB that a process's heap keeps
 * once grown: bundled in the worker itself, that stayed in every worker's
 * resident set for its whole life (issue 20: a worker at about twice the
 * memory of a hand-written one). The child ends and takes it with it.
 * `use` gets the bundle's file, removed once `use` settles (the SDK reads it
 * in `Worker.create`). Handed a path rather than the code, the worker keeps
 * one copy of the bundle instead of two: the SDK copies code it is handed, to
 * point the source map at a file.
 * `logger` receives the bundler's lines (see `bundlerLogger`).
 */
export async function withWorkflowBundle<T>(logger: TemporalLogger, use: (bundle: { codePath: string }) => Promise<T>): Promise<T> {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(new URL(`./bundle-main.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  // From source the child needs tsx as this process has it (bin/weft.js registers it without a flag).
  const args = fromSource ? ['--import', import.meta.resolve('tsx'), entry] : [entry];
  const dir = await mkdtemp(join(tmpdir(), 'weft-bundle-'));
  try {
    const out = join(dir, 'workflows.js');
    const { stdout } = await run(process.execPath, [...args, out], { maxBuffer: 64 * 1024 * 1024 });
    for (const text of stdout.split('\n')) {
      const tab = text.indexOf('\t');
      if (tab > 0) logger.log(text.slice(0, tab) as LogLevel, text.slice(tab + 1));
    }
    return await use({ codePath: out });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
