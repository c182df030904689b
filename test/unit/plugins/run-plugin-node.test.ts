import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { PluginRegistry } from '../../../src/plugins/registry.js';
import { findNodeType, runPluginNode } from '../../../src/activities/plugin/run-plugin-node.js';
import { SecretStore } from '../../../src/activities/secrets.js';
import { definePlugin, type PluginContext } from '../../../src/plugins/types.js';
import { attemptTools, rejection } from './support.js';

const config = { type: 'object', properties: { mode: { type: 'string' }, name: { type: 'string' } } };

const registry = PluginRegistry.from([
  {
    source: 'test',
    plugin: definePlugin({
      name: 'acme',
      version: '1.2.0',
      nodeTypes: {
        act: {
          description: 'does what its mode says',
          config,
          secrets: ['ACME_TOKEN'],
          run(ctx: PluginContext, c: { mode?: string; name?: string }) {
            if (c.mode === 'secret') return { token: ctx.secret(c.name ?? 'ACME_TOKEN') };
            if (c.mode === 'fail') ctx.fail('ACME_DOWN', 'acme is down', { nonRetryable: true });
            if (c.mode === 'slow-down') ctx.fail('ACME_BUSY', 'later', { retryAfterMs: 1500 });
            if (c.mode === 'throw') throw new TypeError('oops');
            return { runId: ctx.runId, workflow: ctx.workflow, nodeId: ctx.nodeId, attempt: ctx.attempt };
          },
        },
      },
    }),
  },
]);

async function failure(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await rejection(promise);
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

/** Runs acme.act; `handed` collects the secret values ctx.secret handed out (the envelope scrubs those). */
const run = (c: unknown, secrets: Record<string, string> = {}, handed: string[] = []) => {
  const store = SecretStore.fromEnv(Object.fromEntries(Object.entries(secrets).map(([k, v]) => [`WEFT_SECRET_${k}`, v])));
  const secret = (name: string) => {
    const value = store.require(name);
    handed.push(value);
    return value;
  };
  return runPluginNode(findNodeType(registry, 'acme.act'), { nodeId: 'n', type: 'acme.act', config: c }, attemptTools(secrets, { attempt: 2, secret }));
};

describe('runPluginNode and the plugin ctx', () => {
  it('runs the type with ctx and reports the plugin', async () => {
    expect(await run({})).toEqual({ output: { runId: 'run_1', workflow: 'wf', nodeId: 'n', attempt: 2 }, plugin: { name: 'acme', version: '1.2.0' } });
  });

  it('an unknown type is a non-retryable UNKNOWN_NODE_TYPE naming the loaded plugins', async () => {
    const err = await failure(Promise.resolve().then(() => findNodeType(registry, 'ghost.x')));
    expect(err).toMatchObject({ type: 'UNKNOWN_NODE_TYPE', nonRetryable: true });
    expect(err.message).toContain('loaded plugins: acme');
  });

  it('a resolved config that breaks the schema is a non-retryable CONFIG_INVALID', async () => {
    expect(await failure(run({ mode: 3 }))).toMatchObject({ type: 'CONFIG_INVALID', nonRetryable: true });
  });

  it('ctx.secret reads declared secrets only, and reports what it handed out', async () => {
    const handed: string[] = [];
    expect((await run({ mode: 'secret' }, { ACME_TOKEN: 'tok-123456' }, handed)).output).toEqual({ token: 'tok-123456' });
    expect(handed).toEqual(['tok-123456']);
    const undeclared = await failure(run({ mode: 'secret', name: 'OTHER' }, { OTHER: 'x' }));
    expect(undeclared).toMatchObject({ type: 'CONFIG_INVALID', nonRetryable: true });
    expect(undeclared.message).toContain('does not declare secret OTHER');
    expect(await failure(run({ mode: 'secret' }))).toMatchObject({ type: 'SECRET_MISSING', nonRetryable: true });
  });

  it('ctx.fail raises the typed ApplicationFailure, with a retry delay when given', async () => {
    const failed = await failure(run({ mode: 'fail' }));
    expect(failed).toMatchObject({ type: 'ACME_DOWN', message: 'acme is down', nonRetryable: true });
    const busy = await failure(run({ mode: 'slow-down' }));
    expect(busy).toMatchObject({ type: 'ACME_BUSY', nonRetryable: false, nextRetryDelay: 1500 });
  });

  it('a plain error thrown by run becomes a retryable PLUGIN_FAILED', async () => {
    const err = await failure(run({ mode: 'throw' }));
    expect(err).toMatchObject({ type: 'PLUGIN_FAILED', nonRetryable: false, message: 'acme.act: oops' });
  });
});
