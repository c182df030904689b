import type { Locator, Page } from 'playwright-core';

/** Helpers of the studio's browser tests (test/browser/studio*.test.ts). */

/** Acts on a control by keyboard only: focus, then Enter. */
export async function press(target: Locator): Promise<void> {
  await target.focus();
  await target.press('Enter');
}

/** The graph node `id` (its frame, `data-node-id`). */
export const node = (page: Page, id: string) => page.locator(`[data-node-id="${id}"]`);

/** The YAML editor's text as shown. */
export const editorText = (page: Page) => page.getByRole('textbox', { name: 'Definition (YAML)' }).evaluate((el) => (el as unknown as { innerText: string }).innerText);

/** Puts the caret at the end of the YAML text and inserts `text` as typed (no auto-indent). */
export async function typeAtEnd(page: Page, text: string): Promise<void> {
  const editor = page.getByRole('textbox', { name: 'Definition (YAML)' });
  await editor.focus();
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText(text);
  // The page renders the new text in a task React has queued by now: one frame and a task later it has run.
  await page.evaluate('new Promise((done) => requestAnimationFrame(() => setTimeout(done)))');
}

/** Waits until the draft has been validated. */
export const validated = (page: Page) => page.locator('[data-validation]:not([data-validation="checking"])').waitFor();

/** Whether `target` has the focus (inside a shadow root too: the YAML editor's text is in one). */
const focused = (target: Locator) => target.evaluate((el) => (el.getRootNode() as unknown as { activeElement: unknown }).activeElement === el).catch(() => false);

/**
 * Moves the focus to `target` with the Tab key only (no click, no programmatic
 * focus), as a keyboard user would: fails when it is not in the tab order
 * within `most` presses. Shift+Tab goes backwards.
 */
export async function tabTo(page: Page, target: Locator, { back = false, most = 120 } = {}): Promise<void> {
  // Attached, not visible: a straight edge is an SVG group with no height, which Playwright calls hidden.
  await target.waitFor({ state: 'attached' });
  for (let i = 0; i < most; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    if (await focused(target)) return;
  }
  throw new Error(`${String(target)} was not reached with ${back ? 'Shift+Tab' : 'Tab'} in ${most} presses`);
}
