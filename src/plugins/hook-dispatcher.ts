import type { Counter } from 'prom-client';
import type { Logger } from '../logger.js';
import { pluginHookErrors } from '../metrics/registry.js';
import type { HookEvent } from './contract.js';
import type { PluginRegistry, RegisteredHook } from './registry.js';

/** How long one hook call may take before it is given up on. */
export const HOOK_TIMEOUT_MS = 10_000;

export interface HookDispatcherOptions {
  logger: Logger;
  /** Injectable so tests need not wait 10 s. */
  timeoutMs?: number;
  /** Where failed calls are counted (default: `weft_plugin_hook_errors_total`). */
  errors?: Counter<'plugin' | 'hook'>;
}

class HookTimeout extends Error {
  override readonly name = 'HookTimeout';
}

/**
 * Delivers hook events to the loaded plugins, in the worker. Each call is
 * isolated: one that throws or runs past the time limit is logged and counted,
 * never rethrown, so hooks cannot fail a node or a run. Events are delivered in
 * order; one event's hooks run side by side.
 */
export class HookDispatcher {
  private readonly timeoutMs: number;
  private readonly errors: Counter<'plugin' | 'hook'>;

  constructor(
    private readonly registry: PluginRegistry,
    private readonly options: HookDispatcherOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? HOOK_TIMEOUT_MS;
    this.errors = options.errors ?? pluginHookErrors;
  }

  /** Calls every loaded hook for each event. Never throws. */
  async deliver(events: readonly HookEvent[]): Promise<void> {
    for (const event of events) {
      await Promise.all(this.registry.hooks(event.type).map((hook) => this.call(hook, event)));
    }
  }

  private async call(hook: RegisteredHook, event: HookEvent): Promise<void> {
    const log = this.options.logger.child({ plugin: hook.plugin, hook: hook.hook, eventId: event.eventId });
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HookTimeout(`hook took longer than ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      // A hook past its limit is abandoned, not awaited: it may still finish (or fail) later, unobserved.
      await Promise.race([Promise.resolve().then(() => hook.call(event, { signal: controller.signal, log })), timeout]);
    } catch (err) {
      if (err instanceof HookTimeout) controller.abort(err);
      this.errors.inc({ plugin: hook.plugin, hook: hook.hook });
      log.warn({ err }, err instanceof HookTimeout ? 'plugin hook timed out' : 'plugin hook failed');
    } finally {
      clearTimeout(timer);
    }
  }
}
