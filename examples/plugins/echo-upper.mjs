/**
 * A complete Weft plugin (docs/plugins.md): one node type, `echo-upper.shout`,
 * and one hook. Load it with WEFT_PLUGINS=examples/plugins/echo-upper.mjs or by
 * copying it into WEFT_PLUGIN_DIR.
 */
export default {
  name: 'echo-upper',
  version: '1.0.0',
  nodeTypes: {
    shout: {
      description: 'Returns its text in upper case, repeated `times` times',
      // JSON Schema, draft 2020-12 (a zod 4 schema works too).
      config: {
        type: 'object',
        additionalProperties: false,
        required: ['text'],
        properties: {
          text: { type: 'string', minLength: 1 },
          times: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
        },
      },
      async run(ctx, config) {
        if (config.text === 'fail') ctx.fail('ECHO_REFUSED', 'refusing to shout "fail"', { nonRetryable: true });
        ctx.log.info({ times: config.times ?? 1 }, 'shouting');
        return { text: Array(config.times ?? 1).fill(config.text.toUpperCase()).join(' ') };
      },
    },
  },
  hooks: {
    // Hooks observe: a throw or a slow hook is logged and counted, never fails the run.
    async onRunComplete(event, ctx) {
      ctx.log.info({ runId: event.runId, status: event.run?.status }, 'run complete');
    },
  },
};
