import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/** An error the CLI reports as `CODE: message` on stderr (never a stack trace) and exits with `exitCode`. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCodeValue,
    /** The API's `details`, e.g. validation errors with their JSON pointers. */
    readonly details: unknown = null,
  ) {
    super(message);
  }
}

/** A usage error: a bad argument or option value (exit 2). */
export function usageError(message: string): CliError {
  return new CliError('USAGE', message, ExitCode.invalid);
}
