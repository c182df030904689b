import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { ROOT } from '../../support/processes.js';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sandboxAvailability } from '../../../src/activities/exec/sandbox.js';
import { createMcpClient } from '../../../src/activities/mcp/mcp-client.js';
import type { McpClientDeps, ResolvedMcpServer } from '../../../src/activities/mcp/types.js';
import { FIXTURE_TOOLS } from '../../fixtures/mcp/fixture-server.js';
import { serveFixtureHttp, type HttpFixture } from '../../fixtures/mcp/serve-http.js';
import { freePort } from '../../support/ports.js';
import { failureOf } from './support.js';

/** The MCP client against real SDK servers: Streamable HTTP in this process, stdio as a sandboxed child. */

const BEARER = 'mcp-token-1234';
// Made here, not in beforeAll: the describe blocks build their clients while the file is collected.
const workspace = mkdtempSync(join(tmpdir(), 'weft-mcp-unit-'));
let http: HttpFixture;
let paged: HttpFixture;

beforeAll(async () => {
  [http, paged] = await Promise.all([serveFixtureHttp({ bearer: BEARER }), serveFixtureHttp({ pageSize: 2 })]);
});

afterAll(async () => {
  await Promise.all([http.close(), paged.close()]);
  rmSync(workspace, { recursive: true, force: true });
});

// The checkout (node, tsx, the fixture) stays visible in the sandbox wherever it lies, /tmp included (CI may clone there).
const deps = (extra: Partial<McpClientDeps> = {}): McpClientDeps => ({ stdio: true, workspace, envAllow: ['PATH'], sandboxReadOnly: [ROOT], policy: { allowPrivate: false, allowHosts: ['127.0.0.1'] }, ...extra });
const live = () => ({ signal: new AbortController().signal });
const httpServer = (extra: Partial<ResolvedMcpServer> = {}): ResolvedMcpServer => ({ name: 'docs', url: http.url, headers: { authorization: `Bearer ${BEARER}` }, ...extra });
const key = (call: string) => `run-1/agent/${call}`;

describe('MCP over Streamable HTTP', () => {
  const client = createMcpClient(deps());

  it('lists every tool with its description and argument schema, sending the headers', async () => {
    const tools = await client.listMcpTools(httpServer(), live());
    expect(tools.map((t) => t.name)).toEqual(FIXTURE_TOOLS);
    expect(tools.find((t) => t.name === 'echo')).toEqual({
      name: 'echo',
      description: 'Echoes its arguments and the idempotency key it received',
      inputSchema: expect.objectContaining({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }),
    });
  });

  it('follows nextCursor through every page of a paginating server', async () => {
    const tools = await client.listMcpTools({ name: 'paged', url: paged.url }, live());
    expect(tools.map((t) => t.name)).toEqual(FIXTURE_TOOLS);
  });

  it('calls a tool with its arguments and the idempotency key in _meta, which the server counts', async () => {
    const call = () => client.callMcpTool(httpServer(), 'echo', { text: 'hi' }, { idempotencyKey: key('c1'), ...live() });
    const result = await call();
    expect(result).toEqual({ isError: false, text: expect.any(String) });
    expect(JSON.parse(result.text)).toEqual({ args: { text: 'hi' }, idempotencyKey: key('c1') });
    await call();
    expect(http.log.counts.get(key('c1'))).toBe(2);
  });

  it('returns structuredContent, and a tool error as a result rather than a failure', async () => {
    expect(await client.callMcpTool(httpServer(), 'add', { a: 2, b: 3 }, { idempotencyKey: key('c2'), ...live() })).toEqual({ isError: false, structuredContent: { sum: 5 }, text: '{"sum":5}' });
    expect(await client.callMcpTool(httpServer(), 'fail', {}, { idempotencyKey: key('c3'), ...live() })).toEqual({ isError: true, text: 'the tool failed on purpose' });
  });

  it('joins text items and describes other content in a line of JSON', async () => {
    const result = await client.callMcpTool(httpServer(), 'mixed', {}, { idempotencyKey: key('c4'), ...live() });
    expect(result.text).toBe('first\n{"type":"image","mimeType":"image/png","bytes":8}\nlast');
  });

  it('fails MCP_UNAVAILABLE, final, when the server refuses the credentials', async () => {
    const failure = await failureOf(client.listMcpTools(httpServer({ headers: { authorization: 'Bearer wrong' } }), live()));
    expect(failure).toMatchObject({ type: 'MCP_UNAVAILABLE', nonRetryable: true, message: expect.stringMatching(/^MCP server docs: .*\(HTTP 401: the server refused the credentials/) });
  });

  it('fails MCP_UNAVAILABLE, retryable, when nothing listens at the URL', async () => {
    const url = `http://127.0.0.1:${await freePort()}/mcp`;
    const failure = await failureOf(client.callMcpTool(httpServer({ url }), 'echo', { text: 'x' }, { idempotencyKey: key('c5'), ...live() }));
    expect(failure).toMatchObject({ type: 'MCP_UNAVAILABLE', nonRetryable: false, message: expect.stringMatching(/^MCP server docs: .*ECONNREFUSED/) });
  });

  it('refuses a private destination unless the worker allows it, as for http nodes', async () => {
    const guarded = createMcpClient(deps({ policy: { allowPrivate: false, allowHosts: [] } }));
    for (const url of [http.url, http.url.replace('127.0.0.1', 'localhost')]) {
      const failure = await failureOf(guarded.listMcpTools(httpServer({ url }), live()));
      expect(failure).toMatchObject({ type: 'DESTINATION_REFUSED', nonRetryable: true, message: expect.stringContaining('WEFT_HTTP_ALLOW_PRIVATE') });
    }
    const open = createMcpClient(deps({ policy: { allowPrivate: true, allowHosts: [] } }));
    expect(await open.listMcpTools(httpServer({ url: http.url.replace('127.0.0.1', 'localhost') }), live())).toHaveLength(FIXTURE_TOOLS.length);
  });

  it('ends a call in flight when the signal aborts, and never connects with an aborted signal', async () => {
    const abort = new AbortController();
    const started = new Promise((resolve) => http.log.on('call', (tool) => tool === 'slow' && resolve(tool)));
    const pending = client.callMcpTool(httpServer(), 'slow', {}, { idempotencyKey: key('slow-http'), signal: abort.signal });
    await started;
    const at = Date.now();
    abort.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledFailure);
    expect(Date.now() - at).toBeLessThan(2_000);

    const before = http.log.counts.get(key('c6'));
    await expect(client.callMcpTool(httpServer(), 'echo', { text: 'x' }, { idempotencyKey: key('c6'), signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledFailure);
    expect(http.log.counts.get(key('c6'))).toBe(before);
  });

  it('refuses arguments that are not an object without contacting the server', async () => {
    expect(await failureOf(client.callMcpTool(httpServer(), 'echo', ['hi'], { idempotencyKey: key('c7'), ...live() }))).toMatchObject({ type: 'CONFIG_INVALID', nonRetryable: true });
  });
});

/** Pids of live processes whose command line contains `marker`. */
function processesWith(marker: string): string[] {
  return readdirSync('/proc').filter((pid) => {
    try {
      return /^\d+$/.test(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
    } catch {
      return false; // gone meanwhile
    }
  });
}

describe('MCP over stdio', () => {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const entry = fileURLToPath(new URL('../../fixtures/mcp/stdio-server.ts', import.meta.url));
  const countsFile = () => join(workspace, 'counts.json');
  const stdioServer = (extra: Partial<ResolvedMcpServer> = {}): ResolvedMcpServer => ({
    name: 'local',
    command: [process.execPath, '--import', tsx, entry],
    env: { WEFT_MCP_FIXTURE_COUNTS: countsFile() },
    ...extra,
  });
  const counts = (): Record<string, number> => {
    try {
      return JSON.parse(readFileSync(countsFile(), 'utf8')) as Record<string, number>;
    } catch {
      return {};
    }
  };

  it('is refused with MCP_STDIO_DISABLED unless the worker sets WEFT_MCP_STDIO', async () => {
    const failure = await failureOf(createMcpClient(deps({ stdio: false })).listMcpTools(stdioServer(), live()));
    expect(failure).toMatchObject({ type: 'MCP_STDIO_DISABLED', nonRetryable: true, message: expect.stringContaining('WEFT_MCP_STDIO=1') });
  });

  describe.runIf(sandboxAvailability().available)('under bubblewrap', () => {
    const client = createMcpClient(deps());

    it('lists the tools and calls one with the idempotency key, the server in the sandbox', async () => {
      expect((await client.listMcpTools(stdioServer(), live())).map((t) => t.name)).toEqual(FIXTURE_TOOLS);
      const result = await client.callMcpTool(stdioServer(), 'echo', { text: 'over stdio' }, { idempotencyKey: key('s1'), ...live() });
      expect(JSON.parse(result.text)).toEqual({ args: { text: 'over stdio' }, idempotencyKey: key('s1') });
      expect(counts()[key('s1')]).toBe(1);
      expect(await client.callMcpTool(stdioServer(), 'add', { a: 1, b: 1 }, { idempotencyKey: key('s2'), ...live() })).toMatchObject({ structuredContent: { sum: 2 } });
    });

    it('runs the server with no network, the workspace as cwd, and only the allowed environment plus its env', async () => {
      const seen = JSON.parse((await client.callMcpTool(stdioServer({ env: { WEFT_MCP_FIXTURE_COUNTS: countsFile(), EXTRA: 'x' } }), 'sandbox', {}, { idempotencyKey: key('s3'), ...live() })).text) as { env: string[]; interfaces: string[]; cwd: string };
      expect(seen.interfaces).toEqual(['lo']);
      expect(seen.cwd).toBe(realpathSync(workspace));
      expect(seen.env).toEqual(expect.arrayContaining(['PATH', 'EXTRA', 'WEFT_MCP_FIXTURE_COUNTS']));
      // The SDK would add these by default; the allow-list (PATH only) keeps them out.
      for (const name of ['HOME', 'USER', 'SHELL', 'LOGNAME']) expect(seen.env).not.toContain(name);
    });

    it('kills the server at once when the signal aborts a call, even one that ignores cancellation', async () => {
      const abort = new AbortController();
      // An argument the fixture ignores, to find this server's processes (bwrap's and node's) by their command line.
      const marker = `slow-${process.pid}-${Date.now()}`;
      const server = stdioServer();
      const pending = client.callMcpTool({ ...server, command: [...server.command!, marker] }, 'stuck', {}, { idempotencyKey: key('stuck-stdio'), signal: abort.signal });
      await vi.waitFor(() => expect(counts()[key('stuck-stdio')]).toBe(1), { timeout: 20_000, interval: 50 });
      expect(processesWith(marker).length).toBeGreaterThan(0);
      const at = Date.now();
      abort.abort();
      await expect(pending).rejects.toBeInstanceOf(CancelledFailure);
      // The SDK's graceful close alone would wait 2 s for the server to exit.
      expect(Date.now() - at).toBeLessThan(1_500);
      await vi.waitFor(() => expect(processesWith(marker)).toEqual([]), { timeout: 2_000, interval: 50 });
    });

    it('fails MCP_UNAVAILABLE with the end of stderr when the command cannot start', async () => {
      const failure = await failureOf(client.listMcpTools(stdioServer({ command: ['/nonexistent/mcp-server'] }), live()));
      expect(failure).toMatchObject({ type: 'MCP_UNAVAILABLE', nonRetryable: false, message: expect.stringMatching(/^MCP server local: .*stderr: .*\/nonexistent\/mcp-server/) });
    });
  });
});
