import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, createHarness, type Harness } from '../support/harness.js';
import { waitFor } from '../support/processes.js';
import { weft, WEFT_BIN } from './weft-cli.js';

/**
 * `weft run --watch` on an agent loop in a real terminal (tmux, 120×40): under
 * the agent node, its turn, its call count and the tool it is calling (a search
 * the tool server holds until the test lets it answer), then the call waiting
 * for approval, approved with `weft runs approve --call` from another process.
 */
let h: Harness;
let dir: string;
let server: Server;
let port = 0;
const held: ServerResponse[] = [];
const session = `weft-agent-watch-${process.pid}`;

const pane = () => execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
const screenWith = (test: RegExp) => waitFor(async () => (test.test(pane()) ? pane() : undefined), `the screen to show ${test}`, 30_000);

beforeAll(async () => {
  // `/search` answers only when the test says so; anything else answers at once.
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/search') held.push(res);
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  h = await createHarness({ workerEnv: { WEFT_HTTP_ALLOW_PRIVATE: '1' } });
  dir = mkdtempSync(join(tmpdir(), 'weft-tmux-agent-'));
});
afterAll(async () => {
  try {
    execFileSync('tmux', ['kill-session', '-t', session]);
  } catch {
    // already gone
  }
  for (const res of held) res.destroy();
  await h?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
  rmSync(dir, { recursive: true, force: true });
});

function agentFile(): string {
  const file = join(dir, 'agent.yaml');
  writeFileSync(
    file,
    `apiVersion: weft/v1
name: tmux-agent
tools:
  search:
    description: Search the docs
    parameters: { type: object, properties: { q: { type: string } } }
    http: { method: GET, url: "http://127.0.0.1:${port}/search" }
  publish:
    description: Publish the answer
    parameters: { type: object, properties: { title: { type: string } } }
    http: { method: POST, url: "http://127.0.0.1:${port}/publish", body: { title: "{{ args.title }}" } }
    approve: true
nodes:
  - id: researcher
    type: agent
    agent:
      provider: offline
      prompt: research and publish
      tools: [search, publish]
      mock:
        script:
          - toolCalls: [{ tool: search, args: { q: weft } }]
          - toolCalls: [{ tool: publish, args: { title: Findings } }]
          - text: done
`,
  );
  return file;
}

describe('weft run --watch on an agent loop', () => {
  it('shows under the agent node its turn, calls and the tool it is calling, then the call waiting for approval', async () => {
    const command = `env -u NO_COLOR WEFT_URL=${h.url} WEFT_KEY=${ADMIN_KEY} ${process.execPath} ${WEFT_BIN} run ${agentFile()} --watch; echo "EXIT=$?"; sleep 60`;
    execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '40', command]);

    const calling = await screenWith(/└ turn 1 · 1 tool call · calling search/);
    expect(calling).toMatch(/◐ researcher\s+running/);
    const runId = /tmux-agent · run (\S+) · running/.exec(calling)![1]!;
    for (const res of held.splice(0)) res.writeHead(200, { 'content-type': 'application/json' }).end('{"hits":["weft"]}');

    const waiting = await screenWith(/└ turn 2 · 2 tool calls · waiting for approval: publish/);
    expect(waiting).toMatch(/◆ researcher\s+waiting/);
    expect(waiting).not.toContain('calling search');
    const run = (await h.live(runId)).nodes.researcher!;
    const approved = await weft(['runs', 'approve', runId, 'researcher', '--call', run.pendingToolCalls![0]!.callId], h.url, ADMIN_KEY);
    expect(approved.code).toBe(0);

    const ended = await screenWith(/EXIT=\d/);
    expect(ended).toContain('EXIT=0');
    expect(ended).toMatch(/researcher\s+succeeded\s+3/);
    // The line under the node goes once the node ends.
    expect(ended).not.toMatch(/└ turn/);
  });
});
