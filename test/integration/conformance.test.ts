import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCases, runCase } from '../../src/conformance/runner.js';
import { ToolServer } from '../../src/conformance/tool-server.js';
import { ADMIN_KEY, createHarness, type Harness } from '../support/harness.js';

/**
 * Runs contract cases through the API with the conformance runner: the project's
 * own (test/conformance) and every shared one (../shared/conformance).
 */
const ROOT = join(import.meta.dirname, '..', '..');
const OWN = join(ROOT, 'test', 'conformance');
const SHARED = join(ROOT, '..', 'shared', 'conformance');

let h: Harness;
const tools = new ToolServer();
let toolPort: number;
beforeAll(async () => {
  toolPort = await tools.start();
  // The agent cases' tools call the runner's own server on 127.0.0.1.
  h = await createHarness({ workerEnv: { WEFT_HTTP_ALLOW_PRIVATE: 'true' } });
});
afterAll(async () => {
  await h?.close();
  await tools.stop();
});

const options = () => ({ url: h.url, key: ADMIN_KEY, caseTimeoutMs: 60_000, toolPort });
const name = (file: string) => file.slice(file.lastIndexOf('/') + 1);

for (const [label, dir] of [
  ['own', OWN],
  ['shared', SHARED],
  ['shared agent', join(SHARED, 'agents')],
] as const) {
  describe.runIf(existsSync(dir))(`${label} conformance cases`, async () => {
    const files = await listCases(dir);
    it('exist', () => expect(files.length).toBeGreaterThan(0));
    it.each(files.map((f) => [name(f), f]))('%s', async (_name, file) => {
      const result = await runCase(file, options());
      expect(result.message).toBeNull();
      expect(result.passed).toBe(true);
    });
  });
}
