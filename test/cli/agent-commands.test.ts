import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolServer } from '../../src/conformance/tool-server.js';
import { ADMIN_KEY, createHarness, definition, type Harness } from '../support/harness.js';
import { weft } from './weft-cli.js';
import { publishTool } from '../support/publish-tool.js';

/**
 * `weft runs approve --call` and `weft runs conversation` (weft-agents 6) as
 * child processes against a real API and worker: an offline agent whose one
 * answer asks for two calls of an http tool that needs approval.
 */
let h: Harness;
const tools = new ToolServer();
let toolUrl = '';
const run = (...args: string[]) => weft(args, h.url, ADMIN_KEY);

beforeAll(async () => {
  const port = await tools.start();
  h = await createHarness({ workerEnv: { WEFT_HTTP_ALLOW_PRIVATE: '1' } });
  toolUrl = `http://127.0.0.1:${port}/echo`;
});
afterAll(async () => {
  await h?.close();
  await tools.stop();
});

const publishing = () =>
  definition(
    'cli-agent-calls',
    [
      {
        id: 'writer',
        type: 'agent',
        agent: {
          provider: 'offline',
          prompt: 'write',
          tools: ['publish'],
          mock: {
            script: [
              { text: 'Publishing two.', toolCalls: [{ tool: 'publish', args: { title: 'Draft' } }, { tool: 'publish', args: { title: 'Spam' } }] },
              { text: 'Done: one published, one refused.' },
            ],
          },
        },
      },
    ],
    {
      tools: {
        publish: publishTool(toolUrl),
      },
    },
  );

describe('weft runs approve --call and conversation', { timeout: 180_000 }, () => {
  it('approves one waiting call with edited args, rejects the other, then prints the conversation as Markdown', async () => {
    const id = await h.startRun(publishing());
    await expect.poll(async () => (await h.live(id)).nodes.writer?.pendingToolCalls?.length ?? 0, { timeout: 30_000 }).toBe(2);
    const [first, second] = (await h.live(id)).nodes.writer!.pendingToolCalls!;

    const notJson = await run('runs', 'approve', id, 'writer', '--call', first!.callId, '--args', '{title');
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('--args is not JSON');
    const invalid = await run('runs', 'approve', id, 'writer', '--call', first!.callId, '--args', '{"title": 7}');
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('ARGS_INVALID');

    const approved = await run('runs', 'approve', id, 'writer', '--call', first!.callId, '--args', '{"title":"Final"}', '--comment', 'renamed');
    expect(approved).toMatchObject({ code: 0, stdout: `writer call ${first!.callId}: approved by admin\n` });
    const rejected = await run('runs', 'approve', id, 'writer', '--call', second!.callId, '--reject', '--comment', 'no spam', '--json');
    expect(rejected.code).toBe(0);
    expect(JSON.parse(rejected.stdout)).toMatchObject({ approved: false, comment: 'no spam' });

    const ended = await h.finished(id);
    expect(ended.status).toBe('succeeded');
    const md = await run('runs', 'conversation', id, 'writer');
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# writer \(run .+\)\n/);
    expect(md.stdout).toMatch(/## Turn 1\n\n_[^\n]+ · \d+ in \/ \d+ out tokens · [^\n]*\d\.\d s_\n/);
    expect(md.stdout).toContain('Publishing two.');
    expect(md.stdout).toContain(`**Tool call** \`publish\` (\`${first!.callId}\`)\n\n\`\`\`json\n{\n  "title": "Draft"\n}\n\`\`\``);
    // The approved call ran with the edited title (the echo server answers it back); the rejected one says who refused.
    expect(md.stdout).toMatch(new RegExp(`\\*\\*Result\\*\\* of \`${first!.callId}\`\\n\\n\`\`\`json\\n[^]*"title": "Final"`));
    expect(md.stdout).toMatch(new RegExp(`\\*\\*Result\\*\\* of \`${second!.callId}\` \\(error\\)\\n\\n\`\`\`json\\n[^]*"rejected": true[^]*"no spam"`));
    expect(md.stdout).toContain('## Turn 2');
    expect(md.stdout).toContain('Done: one published, one refused.');
    const json = await run('runs', 'conversation', id, 'writer', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject([{ turn: 1 }, { turn: 2 }]);
  });
});
