import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { Logger } from '../logger.js';

const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const satisfies Record<LogLevel, string>;

/**
 * The Temporal runtime's logger writing through Weft's pino logger, so the
 * workflow's replay-safe `log` (silent while replaying), activity context logs
 * and the SDK's own lines come out as the same JSON. Temporal's `runId` (its
 * execution id) is renamed: in Weft's lines `runId` is the run, Temporal's workflow id.
 */
export function temporalLogger(logger: Logger): TemporalLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => {
    // The SDK logs every activity's start and end at debug: below the level, build nothing.
    if (!logger.isLevelEnabled(PINO_LEVEL[level])) return;
    const { runId, workflowId, ...rest } = meta ?? {};
    logger[PINO_LEVEL[level]]({ ...rest, ...(workflowId === undefined ? {} : { runId: workflowId }), ...(runId === undefined ? {} : { temporalRunId: runId }) }, message);
  };
  return byLevel(write);
}

/**
 * `inner` (the runtime's log collector) receiving only the lines `logger`'s
 * level lets through; its `flush` and `close`, which the runtime calls at
 * shutdown, kept.
 */
export function belowLevelDropped(inner: TemporalLogger & { flush?(): void; close?(): void }, logger: Logger): TemporalLogger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    if (logger.isLevelEnabled(PINO_LEVEL[level])) inner.log(level, message, meta);
  };
  return {
    ...byLevel(log),
    ...(inner.flush ? { flush: () => inner.flush?.() } : {}),
    ...(inner.close ? { close: () => inner.close?.() } : {}),
  };
}

/** A Temporal logger whose every method is `log` at its level. */
function byLevel(log: (level: LogLevel, message: string, meta?: LogMetadata) => void): TemporalLogger {
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

/**
 * The workflow bundler's logger: its info lines (webpack's statistics, many
 * lines of text that became one long JSON line at every start, and the
 * bundle's size) at debug; its warnings and errors as they are.
 */
export function bundlerLogger(logger: Logger): TemporalLogger {
  const base = temporalLogger(logger);
  return { ...base, log: (level, message, meta) => base.log(level === 'INFO' ? 'DEBUG' : level, message, meta), info: base.debug };
}
