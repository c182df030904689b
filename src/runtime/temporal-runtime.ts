import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../logger.js';
import { belowLevelDropped, temporalLogger } from './temporal-logger.js';

let installed = false;

export interface TemporalRuntimeOptions {
  /** Where the SDK's, the workflow's and activity contexts' log lines go (default: stderr, WARN and up). */
  logger?: Logger;
  /** `host:port` for the SDK's Prometheus exporter (off without it). */
  metricsAddress?: string;
}

/**
 * Prometheus options that make Temporal's published SDK dashboard work unchanged:
 * `temporal_` names, counters ending in `_total`, durations in seconds with the unit in the name.
 */
export const TEMPORAL_PROMETHEUS = { countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true } as const;

/**
 * Installs the Temporal core runtime once per process: core's own logs at WARN
 * and up (at Weft's level when that is debug or trace), the rest through `logger`,
 * and the SDK metrics on `metricsAddress`.
 */
export function installTemporalRuntime(level: string, options: TemporalRuntimeOptions = {}): void {
  if (installed) return;
  installed = true;
  const map: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'WARN', warn: 'WARN', error: 'ERROR', fatal: 'ERROR', silent: 'ERROR' };
  const core = map[level] ?? 'WARN';
  Runtime.install({
    logger: options.logger ? temporalLogger(options.logger) : new DefaultLogger(core),
    telemetryOptions: {
      ...(options.logger ? { logging: { filter: { core, other: core }, forward: {} } } : {}),
      ...(options.metricsAddress ? { metrics: { prometheus: { bindAddress: options.metricsAddress, ...TEMPORAL_PROMETHEUS } } } : {}),
    },
  });
  if (options.logger) {
    // Forwarding core's lines puts a collector in front of `logger` that takes every SDK line at
    // TRACE and holds it 100 ms to order it among core's: the worker's lines of each activation and
    // activity, built, held and dropped below the level. Lines below the level now stop at the door.
    const runtime = Runtime.instance() as { logger: Runtime['logger'] };
    runtime.logger = belowLevelDropped(runtime.logger, options.logger);
  }
}
