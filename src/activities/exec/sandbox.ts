import { spawnSync } from 'node:child_process';
import { FailureType } from '../../dag/failure-types.js';
import { activityFailure } from '../failures.js';

let probe: { available: boolean; reason: string } | undefined;

/**
 * Whether bubblewrap can run here: it needs the `bwrap` binary (Debian package
 * `bubblewrap`) and user namespaces or privileges to create them. Probed once.
 */
export function sandboxAvailability(): { available: boolean; reason: string } {
  if (!probe) {
    const result = spawnSync('bwrap', ['--ro-bind', '/', '/', '--unshare-all', '--die-with-parent', 'true'], { encoding: 'utf8', timeout: 10_000 });
    probe = result.error
      ? { available: false, reason: `bwrap could not start (${(result.error as NodeJS.ErrnoException).code ?? result.error.message}); install Debian's bubblewrap` }
      : result.status === 0
        ? { available: true, reason: '' }
        : { available: false, reason: `bwrap failed: ${result.stderr.trim() || `exit ${result.status}`}` };
  }
  return probe;
}

/**
 * The bubblewrap command line for `policy: sandbox`: every namespace unshared
 * (so no network), the whole system read-only, private /dev, /proc and /tmp, and
 * only the workspace writable; the sandbox dies with its parent. `readOnly`
 * paths (WEFT_EXEC_SANDBOX_READONLY) stay visible under the private /tmp.
 */
export function sandboxArgs(workspace: string, cwd: string, command: string[], readOnly: readonly string[] = []): string[] {
  return [
    '--unshare-all',
    '--die-with-parent',
    '--new-session',
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    '--tmpfs', '/tmp',
    ...readOnly.flatMap((path) => ['--ro-bind', path, path]),
    '--bind', workspace, workspace,
    '--chdir', cwd,
    '--',
    ...command,
  ];
}

/**
 * The argv that runs `command` under bubblewrap (`sandboxArgs`), for exec's
 * `policy: sandbox` and MCP stdio servers alike; `SANDBOX_UNAVAILABLE` where
 * bubblewrap cannot run, so nothing falls back to running unsandboxed.
 */
export function sandboxedArgv(workspace: string, cwd: string, command: string[], what: string, readOnly: readonly string[] = []): string[] {
  const sandbox = sandboxAvailability();
  if (!sandbox.available) {
    throw activityFailure({ type: FailureType.SandboxUnavailable, message: `${what} needs bubblewrap, which cannot run here: ${sandbox.reason}`, nonRetryable: true });
  }
  return ['bwrap', ...sandboxArgs(workspace, cwd, command, readOnly)];
}

/** The worker's environment variables a command may see: only those named in the allow-list (WEFT_EXEC_ENV_ALLOW) that are set. */
export function allowedEnv(names: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of names) if (process.env[name] !== undefined) env[name] = process.env[name]!;
  return env;
}
