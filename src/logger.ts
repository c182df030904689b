import { pino, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';
import { currentLogFields } from './log-context.js';

export type { Logger };

/** `json` for machines (the default), `pretty` for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';

/**
 * The process logger: pino JSON lines, each carrying the fields of the scope it
 * was written in (`withLogFields`: an attempt's run, node and attempt). Fields
 * that could carry credentials are redacted as a second line of defence; code
 * never logs secrets, prompts or definitions.
 */
export function createLogger(level: string, name = 'weft', destination?: NodeJS.WritableStream): Logger {
  const options = {
    name,
    level,
    mixin: currentLogFields,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.apiKey', '*.secret', '*.password'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * Where a process logs in `format`: stdout as JSON (undefined), or a
 * colourised stream in the same process (no transport thread). Without a
 * format, pretty when `stdout` is a terminal (a person reads it), JSON when it
 * is a pipe or a file (a machine does).
 */
export function logDestination(format: LogFormat | undefined, stdout: { isTTY?: boolean } = process.stdout): NodeJS.WritableStream | undefined {
  const pretty = format === undefined ? stdout.isTTY === true : format === 'pretty';
  return pretty ? PinoPretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }) : undefined;
}
