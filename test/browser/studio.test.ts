import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboardRig, type DashboardRig } from '../support/browser.js';
import { agentNode, definition, OPERATOR_KEY } from '../support/harness.js';
import { editorText, node, press, typeAtEnd, validated } from '../support/studio-page.js';

/**
 * The studio (weft-ops §12) in real headless Chromium against the real stack:
 * building with the palette and connections only (by keyboard), the graph
 * following typed YAML, problems at their line and node within 500 ms, one
 * undo history for both views, a stale save refused with the draft kept, a
 * large definition, and an ad-hoc run's page with its approval.
 */
let rig: DashboardRig;
beforeAll(async () => {
  rig = await startDashboardRig();
});
afterAll(async () => {
  await rig?.close();
});

describe('building', () => {
  it('builds a 5-node workflow with the palette and connections only, by keyboard, saves it, starts it and sees it succeed', async () => {
    const page = await rig.signedIn(OPERATOR_KEY, '/workflows/new');
    await node(page, 'start').waitFor();
    for (let i = 0; i < 4; i++) await press(page.getByRole('button', { name: 'Add transform' }));
    for (const id of ['transform_1', 'transform_2', 'transform_3', 'transform_4']) await node(page, id).waitFor();
    // Chain them: start → transform_1 → … → transform_4, through each node's panel.
    const chain = ['start', 'transform_1', 'transform_2', 'transform_3', 'transform_4'];
    for (let i = 1; i < chain.length; i++) {
      await press(node(page, chain[i]!).getByRole('button'));
      await page.getByLabel('Connect from').selectOption(chain[i - 1]!);
      await press(page.getByRole('button', { name: 'Connect', exact: true }));
      await page.getByRole('button', { name: `Remove edge ${chain[i - 1]} → ${chain[i]}` }).waitFor();
    }
    const text = await editorText(page);
    expect(text).toContain('needs: [transform_3]');
    expect(text).toContain('name: my-workflow');
    await validated(page);
    expect(await page.locator('[data-validation]').getAttribute('data-validation')).toBe('valid');
    await press(page.getByRole('button', { name: 'Save version' }));
    expect(await page.getByRole('list', { name: 'Graph changes' }).textContent()).toContain('+ transform_4');
    await press(page.getByRole('button', { name: 'Confirm save' }));
    await page.waitForURL('**/workflows/my-workflow/edit');
    const stored = await rig.h.api('GET', '/api/v1/workflows/my-workflow');
    expect(stored.body.version).toBe(1);
    expect(stored.body.definition.nodes).toHaveLength(5);
    expect(stored.body.source).toContain('needs: [transform_3]');
    // Start it from the workflow's page and see it succeed.
    await page.goto(`${rig.h.url}/workflows/my-workflow`);
    await press(page.getByRole('button', { name: 'Start run' }));
    await page.waitForURL('**/runs/**');
    await page.locator('[data-run-status="succeeded"]').waitFor({ timeout: 30_000 });
    await page.close();
  });

  it('redraws the graph from typed YAML, marks an invalid edit at its line and node within 500 ms, and clears it when fixed', async () => {
    const page = await rig.signedIn(OPERATOR_KEY, '/workflows/new');
    await node(page, 'start').waitFor();
    await typeAtEnd(page, '  - id: typed\n    type: transform\n    needs: [start]\n    output: 2\n');
    await node(page, 'typed').waitFor();
    await validated(page);
    // A typo in the type: the line is marked in the text, the node gets a badge, and the list links to it.
    const editor = page.getByRole('textbox', { name: 'Definition (YAML)' });
    await editor.focus();
    const before = Date.now();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('  - id: broken\n    output: 3\n    type: transfrom');
    await page.locator('[data-node-id="broken"][data-problem="error"]').waitFor();
    await page.locator('.cm-lintRange-error').first().waitFor();
    const took = Date.now() - before;
    expect(took).toBeLessThan(500);
    expect(await page.locator('.cm-lintRange-error').first().textContent()).toBe('transfrom');
    expect(await page.locator('[data-problem-path="/nodes/2/type"]').count()).toBe(1);
    // Fixed: the marks go.
    for (let i = 0; i < 'rom'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.insertText('orm');
    await page.locator('[data-node-id="broken"]:not([data-problem])').waitFor();
    await expect.poll(() => page.locator('.cm-lintRange-error').count()).toBe(0);
    await page.close();
  });

  it('undoes and redoes graph and text edits in one history', async () => {
    const page = await rig.signedIn(OPERATOR_KEY, '/workflows/new');
    await node(page, 'start').waitFor();
    await press(page.getByRole('button', { name: 'Add http' }));
    await node(page, 'http_1').waitFor();
    await typeAtEnd(page, 'outputs: "{{ nodes.start.output }}"\n');
    expect(await editorText(page)).toContain('outputs:');
    await press(page.getByRole('button', { name: 'Undo' }));
    await expect.poll(() => editorText(page)).not.toContain('outputs:');
    await press(page.getByRole('button', { name: 'Undo' }));
    await expect.poll(() => node(page, 'http_1').count()).toBe(0);
    expect(await editorText(page)).not.toContain('http_1');
    await press(page.getByRole('button', { name: 'Redo' }));
    await node(page, 'http_1').waitFor();
    // Ctrl+Z from the graph side too.
    await page.getByRole('button', { name: 'Auto layout' }).focus();
    await page.keyboard.press('Control+z');
    await expect.poll(() => node(page, 'http_1').count()).toBe(0);
    await page.keyboard.press('Control+Shift+z');
    await node(page, 'http_1').waitFor();
    // Rename from the panel follows the references, and is one undo step.
    await press(node(page, 'start').getByRole('button'));
    await page.getByLabel('Id').fill('begin');
    await press(page.getByRole('button', { name: 'Rename' }));
    await node(page, 'begin').waitFor();
    await press(page.getByRole('button', { name: 'Undo' }));
    await node(page, 'start').waitFor();
    await page.close();
  });
});

describe('saving', () => {
  it('refuses a stale save with 409 CONFLICT, keeps the draft, and restores it after a reload', async () => {
    expect((await rig.h.api('POST', '/api/v1/workflows', definition('studio-stale', [agentNode('a', { text: 'one' })]))).status).toBe(201);
    const page = await rig.signedIn(OPERATOR_KEY, '/workflows/studio-stale/edit');
    await node(page, 'a').waitFor();
    await typeAtEnd(page, 'description: mine\n');
    await validated(page);
    // Someone saves v2 meanwhile.
    expect((await rig.h.api('POST', '/api/v1/workflows', definition('studio-stale', [agentNode('a', { text: 'theirs' })]))).status).toBe(201);
    await press(page.getByRole('button', { name: 'Save version' }));
    await press(page.getByRole('button', { name: 'Confirm save' }));
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('CONFLICT');
    expect(await editorText(page)).toContain('description: mine');
    expect((await rig.h.api('GET', '/api/v1/workflows/studio-stale')).body.version).toBe(2);
    await page.reload();
    await node(page, 'a').waitFor();
    expect(await editorText(page)).toContain('description: mine');
    expect(await page.getByRole('status').textContent()).toContain('Restored your unsaved draft (based on v1)');
    await page.close();
  });
});

describe('large definitions', () => {
  it('opens a 2,000-node definition in under 3 s and stays responsive', async () => {
    const nodes = Array.from({ length: 2_000 }, (_, i) => ({ id: `n${i}`, type: 'transform', ...(i > 0 ? { needs: [`n${i - 1 - (i % 7 === 0 && i > 7 ? 6 : 0)}`] } : {}), output: i }));
    expect((await rig.h.api('POST', '/api/v1/workflows', definition('studio-big', nodes))).status).toBe(201);
    const page = await rig.signedIn(OPERATOR_KEY, '/workflows');
    // Measured by the page's own clock, from the start of the navigation to the first task after the frame
    // that shows both the graph's first node and the editor: the main thread is then free to take input.
    // (The test process's polling, which shares two cores with the server, is not the page's time.)
    await page.addInitScript({
      content: `{
        const shown = () => document.querySelector('[data-node-id="n0"]') && document.querySelector('.yaml-editor')?.shadowRoot?.querySelector('[aria-label="Definition (YAML)"]');
        const watch = new MutationObserver(() => {
          if (!shown()) return;
          watch.disconnect();
          requestAnimationFrame(() => setTimeout(() => (window.studioReady = performance.now())));
        });
        watch.observe(document, { subtree: true, childList: true });
      }`,
    });
    const started = Date.now();
    await page.goto(`${rig.h.url}/workflows/studio-big/edit`);
    await node(page, 'n0').waitFor({ timeout: 10_000 });
    await page.getByRole('textbox', { name: 'Definition (YAML)' }).waitFor();
    const opened = await page.waitForFunction('window.studioReady').then((h) => h.jsonValue() as Promise<number>);
    console.log(`2,000-node studio: interactive ${Math.round(opened)} ms after navigation (page clock); ${Date.now() - started} ms as the test saw it`);
    expect(opened).toBeLessThan(3_000);
    // Responsive: a typed change reaches the graph promptly.
    const typed = Date.now();
    await typeAtEnd(page, '  - id: tail\n    type: transform\n    output: 1\n');
    await page.locator('[data-node-id="tail"]').count();
    await expect.poll(() => editorText(page).then((t) => t.includes('id: tail'))).toBe(true);
    expect(Date.now() - typed).toBeLessThan(2_000);
    await page.close();
  });
});

describe('run pages', () => {
  it('draws an ad-hoc run with node types and edges, and approves its approval from the page', async () => {
    const id = await rig.h.startRun(definition('studio-adhoc-gate', [agentNode('draft', { text: 'x' }), { id: 'gate', type: 'approval', needs: ['draft'] }, agentNode('ship', { text: 'y' }, { needs: ['gate'] })]));
    const page = await rig.signedIn(OPERATOR_KEY, `/runs/${id}`);
    await page.locator('[data-node-id="gate"][data-status="waiting"]').waitFor({ timeout: 30_000 });
    expect(await node(page, 'gate').getByRole('button').getAttribute('aria-label')).toContain('approval');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);
    await press(page.getByRole('button', { name: 'Approve' }));
    await page.locator('[data-run-status="succeeded"]').waitFor({ timeout: 30_000 });
    await page.close();
  });
});
