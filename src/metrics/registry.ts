import { Counter, Registry } from 'prom-client';

/**
 * Weft's own metrics (contract section 8), in a registry of their own so that
 * `/metrics` serves exactly these and nothing a library registers globally.
 * Labels never carry run ids, item indexes or keys.
 */
export const metricsRegistry = new Registry();

/** Hook calls that threw or ran past their time limit. */
export const pluginHookErrors = new Counter({
  name: 'weft_plugin_hook_errors_total',
  help: 'Plugin hook calls that threw or took longer than their time limit',
  labelNames: ['plugin', 'hook'] as const,
  registers: [metricsRegistry],
});
