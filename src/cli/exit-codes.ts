import type { RunStatus } from '../dag/run-state.js';

/** The CLI's exit codes (contract weft-ops §10). */
export const ExitCode = {
  ok: 0,
  failed: 1,
  /** A usage error, an invalid definition or an invalid input. */
  invalid: 2,
  cancelled: 3,
  timedOut: 4,
  /** Weft is unreachable, or refused the key. */
  unreachable: 5,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code that reports an ended run (`run --watch`, `runs wait`); a run still going is not an outcome. */
export function exitCodeOfRun(status: RunStatus): ExitCodeValue {
  switch (status) {
    case 'succeeded':
      return ExitCode.ok;
    case 'cancelled':
      return ExitCode.cancelled;
    case 'timed_out':
      return ExitCode.timedOut;
    default:
      return ExitCode.failed;
  }
}

/** The exit code of an API error answer: bad content is the user's (2), a refused or missing key is like no Weft at all (5). */
export function exitCodeOfHttp(status: number): ExitCodeValue {
  if (status === 401 || status === 403) return ExitCode.unreachable;
  if (status === 400 || status === 413 || status === 415 || status === 422) return ExitCode.invalid;
  return ExitCode.failed;
}
