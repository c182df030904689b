import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineDiff } from '../../web/src/workflows/line-diff.js';
import { startDashboardRig, type DashboardRig } from '../support/browser.js';
import { OPERATOR_KEY } from '../support/harness.js';
import { chooserByKey, editorText, node, tabTo, typeAtEnd } from '../support/studio-page.js';

/**
 * The studio (weft-ops §12) without a mouse, in real headless Chromium against
 * the real stack: every editor action reached with Tab and done with keys
 * (docs/dashboard.md, "Keyboard"); deleting a selected edge removes only its
 * `needs` entry from the text; leaving an editor with unsaved changes asks
 * first, inside the app and on closing the tab.
 */
let rig: DashboardRig;
beforeAll(async () => {
  rig = await startDashboardRig();
});
afterAll(async () => {
  await rig?.close();
});

/** A hand-written definition: comments, a block and a flow `needs`, flow maps. */
const source = (name: string) => `# Hand-written: the studio keeps every byte it does not edit.
apiVersion: weft/v1
name: ${name}
nodes:
  - id: fetch   # first
    type: transform
    output: {n: 1}
  - id: summarize
    type: transform
    needs:
      - fetch
    output: {n: 2}
  - id: publish
    type: transform
    needs: [fetch, summarize]   # both
    output: {n: 3}
`;

async function saveSource(name: string): Promise<void> {
  const res = await rig.h.api('POST', '/api/v1/workflows', undefined, { raw: source(name), headers: { 'content-type': 'application/yaml' } });
  expect(res.status).toBe(201);
}

/** The lines a change of the editor's text removed and added. */
function changedLines(before: string, after: string): { removed: string[]; added: string[] } {
  const diff = lineDiff(before, after);
  return { removed: diff.filter((l) => l.kind === 'del').map((l) => l.text), added: diff.filter((l) => l.kind === 'add').map((l) => l.text) };
}

const edge = (page: Page, from: string, to: string) => page.locator(`.react-flow__edge[data-id="${from}->${to}"]`);
/** Waits for an edge to be drawn (attached: a straight edge has no height, which Playwright calls hidden). */
const drawn = (page: Page, from: string, to: string) => edge(page, from, to).waitFor({ state: 'attached' });
/** Clicks an edge with the mouse at the middle of where it is drawn (a straight edge has no height: Playwright's own click calls it out of view). */
async function clickEdge(page: Page, from: string, to: string): Promise<void> {
  const box = await edge(page, from, to).locator('.react-flow__edge-path').boundingBox();
  if (!box) throw new Error(`edge ${from} → ${to} is not drawn`);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}
const leaveDialog = (page: Page) => page.getByRole('dialog', { name: 'Leave with unsaved changes?' });

describe('keyboard only', () => {
  it('does every editor action with the keyboard alone', async () => {
    await saveSource('kb-flow');
    const page = await rig.signedIn(OPERATOR_KEY, '/workflows/kb-flow/edit');
    await node(page, 'publish').waitFor();
    // No mouse from here on: every control is reached with Tab (or Shift+Tab) and used with keys.
    await tabTo(page, page.getByRole('button', { name: 'Add transform' }));
    await page.keyboard.press('Enter');
    await node(page, 'transform_1').waitFor();
    const added = page.getByRole('complementary', { name: 'Node transform_1' });

    // Connect publish → transform_1 from the new node's panel.
    await tabTo(page, added.getByLabel('Connect from'));
    await page.keyboard.type('publish');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await drawn(page, 'publish', 'transform_1');
    expect(await editorText(page)).toMatch(/id: transform_1\n\s+type: transform\n\s+needs: \[publish\]/);

    // Select a node on the graph: its body is a button in the tab order.
    await tabTo(page, node(page, 'summarize').getByRole('button'), { back: true });
    await page.keyboard.press('Enter');
    const panel = page.getByRole('complementary', { name: 'Node summarize' });
    await panel.waitFor();
    expect(await node(page, 'summarize').getByRole('button').getAttribute('aria-pressed')).toBe('true');

    // Edit a field in its form (committed when the focus leaves it).
    await tabTo(page, panel.getByLabel(/^output/));
    await page.keyboard.press('Control+a');
    await page.keyboard.type('{"n": 20}');
    await page.keyboard.press('Tab');
    await expect.poll(() => editorText(page)).toContain('output: { n: 20 }');

    // Rename: every reference follows.
    await tabTo(page, panel.getByLabel('Id'), { back: true });
    await page.keyboard.press('Control+a');
    await page.keyboard.type('digest');
    await page.keyboard.press('Enter');
    await node(page, 'digest').waitFor();
    expect(await editorText(page)).toContain('needs: [fetch, digest]   # both');

    // Delete an edge: focus it, Enter selects it, Delete removes its needs entry and nothing else.
    const before = await editorText(page);
    await tabTo(page, edge(page, 'fetch', 'publish'), { back: true });
    await page.keyboard.press('Enter');
    await page.locator('.react-flow__edge.selected[data-id="fetch->publish"]').waitFor({ state: 'attached' });
    await page.keyboard.press('Delete');
    await edge(page, 'fetch', 'publish').waitFor({ state: 'detached' });
    expect(changedLines(before, await editorText(page))).toEqual({ removed: ['    needs: [fetch, digest]   # both'], added: ['    needs: [digest]   # both'] });

    // Delete a node: Delete on its focused body; its needs entries go with it.
    await tabTo(page, node(page, 'transform_1').getByRole('button'));
    await page.keyboard.press('Delete');
    await node(page, 'transform_1').waitFor({ state: 'detached' });
    expect(await editorText(page)).not.toContain('transform_1');

    // Undo and redo: the keys from the graph, then the toolbar's buttons.
    await page.keyboard.press('Control+z');
    await node(page, 'transform_1').waitFor();
    await page.keyboard.press('Control+Shift+z');
    await node(page, 'transform_1').waitFor({ state: 'detached' });
    await tabTo(page, page.getByRole('button', { name: 'Undo' }), { back: true });
    await page.keyboard.press('Enter');
    await node(page, 'transform_1').waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await node(page, 'transform_1').waitFor({ state: 'detached' });

    // Validate: a cycle made from a panel is listed; its entry moves the caret to the text; Ctrl+S refuses; Ctrl+Z in the text undoes it.
    await tabTo(page, node(page, 'fetch').getByRole('button'));
    await page.keyboard.press('Enter');
    await tabTo(page, page.getByRole('complementary', { name: 'Node fetch' }).getByLabel('Connect from'));
    await page.keyboard.type('publish');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.locator('[data-validation="invalid"]').waitFor();
    const problem = page.locator('[data-problem-path]').first();
    await tabTo(page, problem);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => (globalThis as any).document.activeElement?.className)).toContain('yaml-editor');
    await page.keyboard.press('Control+s');
    await page.getByRole('alert').filter({ hasText: 'Cannot save' }).waitFor();
    await page.keyboard.press('Control+z');
    await page.locator('[data-validation="valid"]').waitFor();
    const fixed = await editorText(page);
    expect(fixed).toMatch(/id: fetch {3}# first\n\s+type: transform\n\s+output/);
    // One step back, not two: the node removed before is still removed.
    expect(fixed).not.toContain('transform_1');

    // Auto layout.
    await tabTo(page, page.getByRole('button', { name: 'Auto layout' }), { back: true });
    await page.keyboard.press('Enter');
    expect(await page.locator('.studio-graph [data-node-id]').count()).toBe(3);

    // Download the YAML, and import a file (the chooser opens from the keyboard).
    await tabTo(page, page.getByRole('button', { name: 'Download YAML' }));
    const download = page.waitForEvent('download');
    await page.keyboard.press('Enter');
    const downloaded = readFileSync(await (await download).path(), 'utf8');
    expect(downloaded.trimEnd()).toBe(fixed.trimEnd());
    await tabTo(page, page.getByLabel('Import a file'));
    const chooser = await chooserByKey(page, page.getByLabel('Import a file'));
    await chooser.setFiles({ name: 'kb-flow.yaml', mimeType: 'application/yaml', buffer: Buffer.from(downloaded.replace('nodes:\n', 'description: imported\nnodes:\n')) });
    await expect.poll(() => editorText(page)).toContain('description: imported');

    // Save version: Ctrl+S opens the review (once the imported text is checked), Confirm save saves.
    await expect.poll(async () => (await page.keyboard.press('Control+s'), page.getByRole('button', { name: 'Confirm save' }).count())).toBe(1);
    await tabTo(page, page.getByRole('button', { name: 'Confirm save' }));
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Saved kb-flow v2' }).waitFor();
    const stored = await rig.h.api('GET', '/api/v1/workflows/kb-flow');
    expect(stored.body.version).toBe(2);
    expect(stored.body.source).toContain('output: { n: 20 }');

    // Test run: its estimate, then Start run; the draft is saved, so the run's page opens without asking.
    await tabTo(page, page.getByRole('button', { name: 'Test run' }), { back: true });
    await page.keyboard.press('Enter');
    const testRun = page.getByRole('region', { name: 'Test run' });
    await expect.poll(() => testRun.locator('[data-estimate]').textContent()).toContain('Estimated cost');
    await tabTo(page, testRun.getByRole('button', { name: 'Start run' }));
    await page.keyboard.press('Enter');
    await page.waitForURL('**/runs/**');
    await page.locator('[data-run-status="succeeded"]').waitFor({ timeout: 30_000 });
    expect(await leaveDialog(page).count()).toBe(0);
    // No page error (a cycle once crashed the graph's layout); the validator's 422 for the cycle is the browser's only complaint.
    expect(rig.problems.filter((p) => !p.includes('status of 422'))).toEqual([]);
    await page.close();
  });
});

describe('deleting an edge on the graph', () => {
  it('removes only that needs entry from the text when an edge is clicked and Delete pressed', async () => {
    await saveSource('kb-edge');
    const page = await rig.signedIn(OPERATOR_KEY, '/workflows/kb-edge/edit');
    await drawn(page, 'summarize', 'publish');
    const before = await editorText(page);
    await clickEdge(page, 'summarize', 'publish');
    await page.locator('.react-flow__edge.selected[data-id="summarize->publish"]').waitFor({ state: 'attached' });
    await page.keyboard.press('Delete');
    await edge(page, 'summarize', 'publish').waitFor({ state: 'detached' });
    expect(changedLines(before, await editorText(page))).toEqual({ removed: ['    needs: [fetch, summarize]   # both'], added: ['    needs: [fetch]   # both'] });
    // Backspace on the last entry of a block needs takes the key too (a `needs:` with no entries would not be a list).
    const middle = await editorText(page);
    await clickEdge(page, 'fetch', 'summarize');
    await page.locator('.react-flow__edge.selected[data-id="fetch->summarize"]').waitFor({ state: 'attached' });
    await page.keyboard.press('Backspace');
    await edge(page, 'fetch', 'summarize').waitFor({ state: 'detached' });
    expect(changedLines(middle, await editorText(page))).toEqual({ removed: ['    needs:', '      - fetch'], added: [] });
    await page.close();
  });
});

describe('leaving with unsaved changes', () => {
  it('asks before an in-app navigation away from a dirty draft (Stay keeps it), and not from a clean one', async () => {
    await saveSource('kb-leave');
    const page = await rig.signedIn(OPERATOR_KEY, '/workflows/kb-leave/edit');
    const atEditor = () => expect(page.url()).toMatch(/\/workflows\/kb-leave\/edit$/);
    await node(page, 'publish').waitFor();
    // Clean: the link goes at once.
    await tabTo(page, page.getByRole('link', { name: 'Workflows' }));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/workflows$/);
    expect(await leaveDialog(page).count()).toBe(0);
    // Back to the editor (the same document: history entries of the app).
    await page.goBack();
    await node(page, 'publish').waitFor();
    await typeAtEnd(page, 'description: mine\n');

    await tabTo(page, page.getByRole('link', { name: 'Runs' }), { back: true });
    await page.keyboard.press('Enter');
    await leaveDialog(page).waitFor();
    atEditor();
    // "Stay" has the focus: Enter keeps the draft.
    await page.keyboard.press('Enter');
    await leaveDialog(page).waitFor({ state: 'detached' });
    atEditor();
    expect(await editorText(page)).toContain('description: mine');

    // Forward (or back) asks too, Escape stays, and the address shows the editor still.
    await page.goForward();
    await leaveDialog(page).waitFor();
    atEditor();
    await page.keyboard.press('Escape');
    await leaveDialog(page).waitFor({ state: 'detached' });
    atEditor();
    expect(await editorText(page)).toContain('description: mine');

    // Leave: the page goes, and the draft is restored on coming back.
    await tabTo(page, page.getByRole('link', { name: 'Runs' }), { back: true });
    await page.keyboard.press('Enter');
    await tabTo(page, leaveDialog(page).getByRole('button', { name: 'Leave' }));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/runs$/);
    await page.goBack();
    await node(page, 'publish').waitFor();
    atEditor();
    expect(await editorText(page)).toContain('description: mine');
    await page.getByRole('status').filter({ hasText: 'Restored your unsaved draft' }).waitFor();

    // Closing the tab with unsaved changes asks too (beforeunload).
    const asked = page.waitForEvent('dialog');
    await page.close({ runBeforeUnload: true });
    const dialog = await asked;
    expect(dialog.type()).toBe('beforeunload');
    await dialog.accept();
  });
});
