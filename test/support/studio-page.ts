import type { FileChooser, Locator, Page } from 'playwright-core';

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
 * Opens the file chooser of the focused file input `target` with the Space key,
 * as a keyboard user would. A press that opened nothing (one CI's loaded
 * Chromium lost) is made again, up to three times, while the input keeps the focus.
 */
export async function chooserByKey(page: Page, target: Locator): Promise<FileChooser> {
  for (let attempt = 1; ; attempt++) {
    if (!(await focused(target))) throw new Error(`${String(target)} lost the focus before its chooser opened`);
    const chooser = page.waitForEvent('filechooser', { timeout: 10_000 });
    await page.keyboard.press('Space');
    try {
      return await chooser;
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}

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
