import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields every log line written inside a scope carries (an activity attempt's run, node and attempt; a request's id). */
export type LogFields = Record<string, string | number | null>;

const storage = new AsyncLocalStorage<LogFields>();

/**
 * Runs `fn` with `fields` added to every line any logger writes inside it, awaited
 * work included, so code deep in an activity need not thread ids through.
 * Nested scopes add to the outer one's fields.
 */
export function withLogFields<T>(fields: LogFields, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, fn);
}

/** The current scope's fields (the logger's mixin). */
export function currentLogFields(): LogFields {
  return storage.getStore() ?? {};
}
