import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/processes.js';

/** What a `weft` process printed and how it exited. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a user starts it: `node bin/weft.js …`, from a checkout without a build. */
export const WEFT_BIN = join(ROOT, 'bin', 'weft.js');

/** Runs `weft <args>` against `url` with `key` and resolves with its output and exit code. */
export function weft(args: string[], url: string, key: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [WEFT_BIN, ...args], { cwd: ROOT, env: { ...process.env, WEFT_URL: url, WEFT_KEY: key, NO_COLOR: '1', ...extraEnv }, timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}
