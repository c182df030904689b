import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCases, runCase } from '../../src/conformance/runner.js';
import { ADMIN_KEY, createHarness, type Harness } from '../support/harness.js';

/**
 * Runs contract cases through the API with the conformance runner: the project's
 * own (test/conformance) and the shared ones (../shared/conformance) that this
 * build supports. The rest of the shared cases need node types that come later
 * and must be refused up front with NOT_SUPPORTED.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const OWN = join(ROOT, 'test', 'conformance');
const SHARED = join(ROOT, '..', 'shared', 'conformance');
const SHARED_SUPPORTED = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '13', '14', '16', '17'];
const SHARED_LATER = ['12', '15'];

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const options = () => ({ url: h.url, key: ADMIN_KEY, caseTimeoutMs: 60_000 });
const name = (file: string) => file.slice(file.lastIndexOf('/') + 1);

describe('own conformance cases', async () => {
  const files = await listCases(OWN);
  it('exist', () => expect(files.length).toBeGreaterThan(0));
  it.each(files.map((f) => [name(f), f]))('%s', async (_name, file) => {
    const result = await runCase(file, options());
    expect(result.message).toBeNull();
    expect(result.passed).toBe(true);
  });
});

describe.runIf(existsSync(SHARED))('shared conformance cases', async () => {
  const supported = await listCases(SHARED, SHARED_SUPPORTED);
  const later = await listCases(SHARED, SHARED_LATER);
  it.each(supported.map((f) => [name(f), f]))('%s', async (_name, file) => {
    const result = await runCase(file, options());
    expect(result.message).toBeNull();
  });
  it.each(later.map((f) => [name(f), f]))('%s is refused with NOT_SUPPORTED until its node types land', async (_name, file) => {
    const result = await runCase(file, options());
    expect(result.passed).toBe(false);
    expect(result.message).toMatch(/NOT_SUPPORTED/);
    expect(result.runId).toBeNull();
  });
});
