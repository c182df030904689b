import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isTerminalRun, type RunSnapshot, type RunStatus } from '../dag/run-state.js';
import { WeftApiClient } from './api-client.js';
import { exactMismatch, subsetMismatch } from './compare.js';

/** One case of `shared/conformance/README.md`. */
export interface ConformanceCase {
  name: string;
  workflow: unknown;
  input?: unknown;
  /** Stored workflows the case's run uses (`workflow` tools and nodes). */
  setup?: { workflows?: unknown[] };
  actions?: {
    when: { node: string; status: string };
    do: 'approve' | 'reject' | 'cancel' | 'pause' | 'resume' | 'approve-call' | 'reject-call';
    node?: string;
    /** approve-call / reject-call: the waiting call of this tool (weft-agents cases). */
    tool?: string;
    /** approve-call: the arguments as edited. */
    args?: unknown;
  }[];
  expect: {
    valid?: boolean;
    errors?: string[];
    status?: RunStatus;
    degraded?: boolean;
    error?: { code: string } & Record<string, unknown>;
    output?: unknown;
    costUsd?: number;
    nodes?: Record<string, string | Record<string, unknown>>;
  };
}

export interface CaseResult {
  file: string;
  name: string;
  passed: boolean;
  message: string | null;
  runId: string | null;
}

export interface RunnerOptions {
  url: string;
  key: string;
  /** Only cases whose file name starts with one of these (e.g. `01`, `16-invalid`). */
  only?: string[];
  /** Longest wait for one run to end. */
  caseTimeoutMs?: number;
  /** How often a live run is polled. */
  pollMs?: number;
  /** The port of the tool server (`ToolServer`) that stands for `PORT` in tool URLs. */
  toolPort?: number;
}

/** Lists the case files of a directory, in name order, filtered by `only`. */
export async function listCases(dir: string, only?: string[]): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  return files.filter((f) => !only || only.length === 0 || only.some((prefix) => f.startsWith(prefix))).map((f) => join(dir, f));
}

/** Runs one case file against the API. */
export async function runCase(file: string, options: RunnerOptions): Promise<CaseResult> {
  const text = await readFile(file, 'utf8');
  const spec = parseYaml(options.toolPort === undefined ? text : text.replaceAll('127.0.0.1:PORT', `127.0.0.1:${options.toolPort}`)) as ConformanceCase;
  const result = (passed: boolean, message: string | null, runId: string | null = null): CaseResult => ({
    file: basename(file),
    name: spec.name,
    passed,
    message,
    runId,
  });
  const api = new WeftApiClient(options.url, options.key);
  for (const definition of spec.setup?.workflows ?? []) {
    const stored = await api.request('POST', '/workflows', definition);
    if (stored.status >= 300 && stored.status !== 409) return result(false, `setup: storing a workflow failed: ${stored.status} ${JSON.stringify(stored.body)}`);
  }
  const start = await api.request('POST', '/runs', { definition: spec.workflow, ...(spec.input === undefined ? {} : { input: spec.input }) });

  if (spec.expect.valid === false) {
    if (start.status !== 422 || start.body?.error?.code !== 'VALIDATION_FAILED') {
      return result(false, `expected 422 VALIDATION_FAILED, got ${start.status} ${JSON.stringify(start.body)}`, start.body?.id ?? null);
    }
    const reported = new Set<string>((start.body.error.details?.errors ?? []).map((e: { code: string }) => e.code));
    const missing = (spec.expect.errors ?? []).filter((code) => !reported.has(code));
    return missing.length === 0 ? result(true, null) : result(false, `codes not reported: ${missing.join(', ')} (reported: ${[...reported].join(', ')})`);
  }
  if (spec.expect.status === undefined && spec.expect.error) {
    const code = start.body?.error?.code;
    return code === spec.expect.error.code && start.status >= 400
      ? result(true, null)
      : result(false, `expected error ${spec.expect.error.code}, got ${start.status} ${JSON.stringify(start.body)}`);
  }
  if (start.status !== 202) return result(false, `run did not start: ${start.status} ${JSON.stringify(start.body)}`);

  const runId: string = start.body.id;
  let run: RunSnapshot;
  try {
    run = await followRun(api, runId, spec.actions ?? [], options);
  } catch (err) {
    return result(false, (err as Error).message, runId);
  }
  const mismatch = compareRun(spec.expect, run);
  return result(mismatch === null, mismatch, runId);
}

/** Polls the run until it ends, doing the case's actions as their conditions come true. */
async function followRun(api: WeftApiClient, id: string, actions: NonNullable<ConformanceCase['actions']>, options: RunnerOptions): Promise<RunSnapshot> {
  const deadline = Date.now() + (options.caseTimeoutMs ?? 60_000);
  const pending = [...actions];
  for (;;) {
    const got = await api.request('GET', `/runs/${id}`);
    if (got.status !== 200) throw new Error(`GET /runs/${id}: ${got.status} ${JSON.stringify(got.body)}`);
    const run = got.body as RunSnapshot;
    const next = pending[0];
    if (next && run.nodes[next.when.node]?.status === next.when.status) {
      pending.shift();
      await act(api, id, next, run);
      continue;
    }
    if (isTerminalRun(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${run.status} after ${options.caseTimeoutMs ?? 60_000}ms`);
    await new Promise((r) => setTimeout(r, options.pollMs ?? 100));
  }
}

async function act(api: WeftApiClient, id: string, action: NonNullable<ConformanceCase['actions']>[number], run: RunSnapshot): Promise<void> {
  let response;
  if (action.do === 'approve-call' || action.do === 'reject-call') {
    const call = run.nodes[action.node!]?.pendingToolCalls?.find((c) => c.tool === action.tool);
    if (!call) throw new Error(`${action.do}: node ${action.node} has no waiting call of ${action.tool}`);
    const approved = action.do === 'approve-call';
    response = await api.request('POST', `/runs/${id}/approvals/${action.node}`, { approved, callId: call.callId, ...(approved && action.args !== undefined ? { args: action.args } : {}) });
  } else if (action.do === 'approve' || action.do === 'reject') {
    response = await api.request('POST', `/runs/${id}/approvals/${action.node}`, { approved: action.do === 'approve' });
  } else {
    response = await api.request('POST', `/runs/${id}/${action.do}`);
  }
  if (response.status >= 300) throw new Error(`${action.do} failed: ${response.status} ${JSON.stringify(response.body)}`);
}

/** The first way the run differs from the case's expectation, or null. */
export function compareRun(expect: ConformanceCase['expect'], run: RunSnapshot): string | null {
  if (expect.status !== undefined && run.status !== expect.status) {
    return `status: expected ${expect.status}, got ${run.status}${run.error ? ` (${run.error.code}: ${run.error.message})` : ''}`;
  }
  if (expect.degraded !== undefined && run.degraded !== expect.degraded) return `degraded: expected ${expect.degraded}, got ${run.degraded}`;
  if (expect.error) {
    const m = subsetMismatch(expect.error, run.error, '/error');
    if (m) return m;
  }
  if (expect.output !== undefined) {
    const m = exactMismatch(expect.output, run.output, '/output');
    if (m) return m;
  }
  if (expect.costUsd !== undefined && Math.abs(run.costUsd - expect.costUsd) > 1e-9) return `costUsd: expected ${expect.costUsd}, got ${run.costUsd}`;
  for (const [id, want] of Object.entries(expect.nodes ?? {})) {
    const m = subsetMismatch(typeof want === 'string' ? { status: want } : want, run.nodes[id], `/nodes/${id}`);
    if (m) return m;
  }
  return null;
}

/** Runs every case of a directory, one after another, reporting each as it ends. */
export async function runConformance(dir: string, options: RunnerOptions, report: (r: CaseResult) => void = () => {}): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const file of await listCases(dir, options.only)) {
    const r = await runCase(file, options).catch((err: Error): CaseResult => ({ file: basename(file), name: basename(file), passed: false, message: err.message, runId: null }));
    report(r);
    results.push(r);
  }
  return results;
}
