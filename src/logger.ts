import { pino, type DestinationStream, type Logger } from 'pino';
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
export function createLogger(level: string, name = 'weft', destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    mixin: currentLogFields,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.apiKey', '*.secret', '*.password'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * JSON lines wait in memory until this many bytes are buffered, or
 * `JSON_FLUSH_MS` passes: one write for many lines instead of one a request
 * (the API logs every request). Pino flushes what is buffered synchronously
 * when the process exits (`exit`, which `process.exit` and a normal shutdown
 * emit), so no line is lost then; a killed process (SIGKILL) or a crash of
 * the runtime itself loses at most this window.
 */
const JSON_BATCH_BYTES = 8192;
const JSON_FLUSH_MS = 200;

/**
 * Where a process logs in `format`: stdout as JSON lines written in batches
 * (see `JSON_BATCH_BYTES`), or a colourised stream in the same process (no
 * transport thread), written as it comes, since a person reads it. Without a
 * format, pretty when `stdout` is a terminal (a person reads it), JSON when it
 * is a pipe or a file (a machine does).
 */
export function logDestination(format: LogFormat | undefined, stdout: { isTTY?: boolean } = process.stdout): DestinationStream {
  const pretty = format === undefined ? stdout.isTTY === true : format === 'pretty';
  if (pretty) return PinoPretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  return pino.destination({ dest: 1, sync: false, minLength: JSON_BATCH_BYTES, periodicFlush: JSON_FLUSH_MS });
}
