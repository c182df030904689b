const noop = () => {};

/** The workflow bundler's logger for tests: its errors only. */
export const quietBundlerLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
