import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { ValidationIssue } from '../dag/validate.js';
import type { ApiClient, ValidationWire } from './api-client.js';
import { CliError } from './cli-error.js';
import { ExitCode } from './exit-codes.js';
import { lineOfPointer, type SourceLine } from './yaml-lines.js';

/** A definition read from disk, with the content type the API reads it as. */
export interface DefinitionFile {
  path: string;
  text: string;
  type: 'application/json' | 'application/yaml';
}

/** One validation problem located in the file. */
export interface LocatedIssue extends ValidationIssue {
  line: SourceLine | null;
}

/** Whether a `<name | file>` argument names a file (a workflow name never has an extension or a slash). */
export function isFileArgument(arg: string): boolean {
  return /\.(ya?ml|json)$/i.test(arg) || arg.includes('/') || existsSync(arg);
}

/** Reads a definition file; a missing file is a usage error (exit 2). */
export function readDefinitionFile(path: string): DefinitionFile {
  if (!existsSync(path)) throw new CliError('FILE_NOT_FOUND', `no such file: ${path}`, ExitCode.invalid);
  return { path, text: readFileSync(path, 'utf8'), type: extname(path).toLowerCase() === '.json' ? 'application/json' : 'application/yaml' };
}

/** Validates a file through the API; rejects with every problem at its path and line. */
export async function validateFile(client: ApiClient, file: DefinitionFile): Promise<ValidationWire> {
  try {
    return await client.validate(file.text, file.type);
  } catch (err) {
    throw locate(err, file);
  }
}

/** Adds the file's lines to a validation or parse error from the API; other errors pass through. */
export function locate(err: unknown, file: DefinitionFile): unknown {
  if (!(err instanceof CliError)) return err;
  if (err.code === 'VALIDATION_FAILED') {
    const issues = locatedIssues(file, (err.details as { errors?: ValidationIssue[] } | null)?.errors ?? []);
    return new CliError(err.code, [err.message, ...issues.map((i) => describeIssue(file.path, i)), ...describeWarnings(file, err.details)].join('\n'), ExitCode.invalid, { errors: issues });
  }
  const at = err.details as { line?: number | null } | null;
  if (err.code === 'BAD_REQUEST' && at?.line) {
    const text = file.text.split('\n')[at.line - 1] ?? '';
    return new CliError(err.code, `${err.message}\n${file.path}:${at.line}\n  ${at.line} | ${text}`, ExitCode.invalid, err.details);
  }
  return err;
}

/** Each issue with the line of the file its JSON pointer names. */
export function locatedIssues(file: DefinitionFile, issues: ValidationIssue[]): LocatedIssue[] {
  return issues.map((issue) => ({ ...issue, line: lineOfPointer(file.text, issue.path) }));
}

/** `file.yaml:12 /nodes/1/agent: message (CODE)`, then the offending line. */
export function describeIssue(path: string, issue: { path: string; message: string; line: SourceLine | null; code?: string }): string {
  const text = `${issue.path}: ${issue.message}${issue.code ? ` (${issue.code})` : ''}`;
  if (!issue.line) return `  ${path} ${text}`;
  return `  ${path}:${issue.line.line} ${text}\n    ${String(issue.line.line).padStart(4)} | ${issue.line.text}`;
}

/** A validation warning: worth knowing, not a reason to refuse the definition. */
export interface ValidationWarning {
  code: string;
  path: string;
  message: string;
}

/**
 * The warnings a validation answer or error carries (a `warnings` array of
 * `{code, path, message}`, when the validator gives any), each as
 * `warning CODE file.yaml:12 /path: message` and the line it names.
 */
export function describeWarnings(file: DefinitionFile, answer: unknown): string[] {
  const warnings = (answer as { warnings?: unknown } | null)?.warnings;
  if (!Array.isArray(warnings)) return [];
  return (warnings as ValidationWarning[]).map(({ code, path, message }) => `warning ${code} ${describeIssue(file.path, { path, message, line: lineOfPointer(file.text, path) }).trimStart()}`);
}
