import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolServer } from '../../src/conformance/tool-server.js';
import { startDashboardRig, type DashboardRig } from '../support/browser.js';
import { definition, OPERATOR_KEY, VIEWER_KEY } from '../support/harness.js';
import { publishTool } from '../support/publish-tool.js';

/**
 * An agent node's panel in real headless Chromium against the real stack
 * (weft-agents 6): the conversation (text, thinking collapsed, each call's
 * arguments and result as JSON, tokens, cost and latency per turn), the calls
 * waiting for approval with "Approve", "Reject" and "Edit arguments" (edited
 * arguments the tool refuses answer 422 ARGS_INVALID, shown inline), and the
 * graph node's turn and call count.
 */
let rig: DashboardRig;
const tools = new ToolServer();
let toolUrl = '';

beforeAll(async () => {
  toolUrl = `http://127.0.0.1:${await tools.start()}/echo`;
  rig = await startDashboardRig({ workerEnv: { WEFT_HTTP_ALLOW_PRIVATE: '1' } });
});
afterAll(async () => {
  await rig?.close();
  await tools.stop();
});

const writer = () =>
  definition(
    'browser-agent',
    [
      {
        id: 'writer',
        type: 'agent',
        agent: {
          provider: 'offline',
          prompt: 'write and publish',
          tools: ['publish'],
          mock: {
            script: [
              { thinking: 'Two posts; the second looks like spam.', text: 'Publishing two posts.', toolCalls: [{ tool: 'publish', args: { title: 'Draft' } }, { tool: 'publish', args: { title: 'Spam' } }] },
              { text: 'Published one, the other was refused.' },
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

describe('an agent node\'s conversation', () => {
  it('shows the turns and the waiting calls; Edit arguments refused inline, then approved edited; Reject; the graph counts turns and calls', async () => {
    const started = await rig.h.api('POST', '/api/v1/runs', { definition: writer() });
    expect(started.status).toBe(202);
    const runId = started.body.id as string;
    await rig.h.nodeReaches(runId, 'writer', 'waiting');

    const page = await rig.signedIn(OPERATOR_KEY, `/runs/${runId}`);
    const graphNode = page.locator('[data-node-id="writer"]');
    await graphNode.getByRole('button').click();
    const panel = page.getByRole('complementary', { name: 'Node writer' });
    const conversation = panel.getByLabel('Conversation');

    // Turn 1 as stored: text, thinking collapsed, both calls' arguments as JSON, tokens, cost, latency.
    const turn1 = conversation.getByRole('region', { name: 'Turn 1' });
    await turn1.getByText('Publishing two posts.').waitFor();
    await expect.poll(() => turn1.locator('h4').textContent(), { timeout: 15_000 }).toMatch(/Turn 1 .*\d+ in \/ \d+ out tokens · \$[\d.e-]+ · \d+ ms/);
    const thinking = turn1.locator('details.thinking');
    expect(await thinking.getAttribute('open')).toBeNull();
    expect(await thinking.locator('summary').textContent()).toBe('Thinking');
    const calls = turn1.locator('.tool-call pre.json');
    expect(await calls.allTextContents()).toEqual([JSON.stringify({ title: 'Draft' }, null, 2), JSON.stringify({ title: 'Spam' }, null, 2)]);

    // Both calls wait, each with its three buttons.
    const waiting = panel.locator('.waiting-call');
    await expect.poll(() => waiting.count(), { timeout: 15_000 }).toBe(2);
    // Opened mid-run: the graph node's count comes from the agent events stored before the page's snapshot.
    await expect.poll(() => graphNode.textContent(), { timeout: 15_000 }).toContain('turn 1 · 2 calls');
    const [first, second] = [waiting.nth(0), waiting.nth(1)];
    for (const call of [first, second]) for (const name of ['Approve', 'Reject', 'Edit arguments']) expect(await call.getByRole('button', { name, exact: true }).count()).toBe(1);

    // Edit arguments: the tool's parameters refuse a number (422 ARGS_INVALID inline), then a good title runs.
    await first.getByRole('button', { name: 'Edit arguments' }).click();
    const editor = first.getByRole('textbox', { name: /Arguments of/ });
    await editor.fill('{"title": 7}');
    await first.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect.poll(() => first.getByRole('alert').textContent(), { timeout: 15_000 }).toContain('ARGS_INVALID');
    await editor.fill('{"title": "Final"}');
    await first.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect.poll(() => waiting.count(), { timeout: 15_000 }).toBe(1);
    await panel.locator('.waiting-call').getByRole('button', { name: 'Reject' }).click();

    await page.locator('[data-run-status="succeeded"]').waitFor({ timeout: 30_000 });
    const turn2 = conversation.getByRole('region', { name: 'Turn 2' });
    await turn2.getByText('Published one, the other was refused.').waitFor();
    // The results under turn 1 (turn 2's text may stream in before the stored conversation is read again): the echo of the edited call, and the rejection.
    await expect.poll(() => turn1.locator('.tool-result pre.json').count(), { timeout: 15_000 }).toBe(2);
    const results = await turn1.locator('.tool-result pre.json').allTextContents();
    expect(results[0]).toContain('"title": "Final"');
    expect(results[1]).toContain('"rejected": true');
    expect(await turn1.locator('.tool-result.error').count()).toBe(1);
    await expect.poll(() => graphNode.textContent(), { timeout: 15_000 }).toContain('turn 2 · 2 calls');
    expect(await panel.locator('.waiting-call').count()).toBe(0);
    await page.close();
  });

  it('offers a viewer the conversation and waiting calls without buttons', async () => {
    const started = await rig.h.api('POST', '/api/v1/runs', { definition: writer() });
    const runId = started.body.id as string;
    await rig.h.nodeReaches(runId, 'writer', 'waiting');
    const page = await rig.signedIn(VIEWER_KEY, `/runs/${runId}`);
    await page.locator('[data-node-id="writer"]').getByRole('button').click();
    const panel = page.getByRole('complementary', { name: 'Node writer' });
    await expect.poll(() => panel.locator('.waiting-call').count(), { timeout: 15_000 }).toBe(2);
    expect(await panel.getByRole('button', { name: 'Approve', exact: true }).count()).toBe(0);
    await expect.poll(() => page.locator('[data-node-id="writer"]').textContent(), { timeout: 15_000 }).toContain('turn 1 · 2 calls');
    await page.close();
    await rig.h.api('POST', `/api/v1/runs/${runId}/cancel`);
  });
});
