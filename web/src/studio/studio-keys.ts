/**
 * The studio's key bindings (docs/dashboard.md, "Keyboard"), as a pure map
 * from a key press and where it happened to what it does, so the bindings are
 * one table that a unit test reads and the page only carries out.
 */

/** Where a key was pressed: in a text field or the YAML text, on a graph node or edge, elsewhere on the graph, or elsewhere on the page. */
export type KeyPlace = 'text' | 'node' | 'edge' | 'graph' | 'page';

/** What a key press does. */
export type KeyAction = 'undo' | 'redo' | 'save' | 'delete-focused-node' | 'delete-selected-edge' | 'delete-selected-node' | 'unselect';

/** The parts of a keyboard event the bindings read. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/**
 * The action of a key press, or null when the studio leaves it alone. In text
 * (the YAML editor, a form field) only Ctrl+S is the studio's: the editor has
 * its own undo keys on the same history, and Delete, Backspace and Escape edit
 * or close completions there.
 */
export function keyAction(e: KeyPress, at: KeyPlace, state: { edgeSelected: boolean; nodeSelected: boolean }): KeyAction | null {
  const mod = (e.ctrlKey || e.metaKey) && !e.altKey;
  const key = e.key.toLowerCase();
  if (mod && key === 's') return 'save';
  if (at === 'text') return null;
  if (mod && key === 'z') return e.shiftKey ? 'redo' : 'undo';
  if (mod && key === 'y') return 'redo';
  if (mod || e.altKey) return null;
  if (e.key === 'Delete' || e.key === 'Backspace') {
    if (at === 'node') return 'delete-focused-node';
    if (state.edgeSelected) return 'delete-selected-edge';
    if (at === 'graph' && state.nodeSelected) return 'delete-selected-node';
    return null;
  }
  if (e.key === 'Escape' && (state.edgeSelected || state.nodeSelected)) return 'unselect';
  return null;
}

/** What `keyPlace` reads of a DOM element (typed here so the table needs no DOM library). */
interface Target {
  closest(selector: string): { getAttribute(name: string): string | null } | null;
}

/** Where an event's target is (the YAML editor's shadow root retargets its events to its host, `.yaml-editor`). */
export function keyPlace(target: Target): { at: KeyPlace; node?: string } {
  if (target.closest('.yaml-editor, input, textarea, select, [contenteditable="true"]')) return { at: 'text' };
  const node = target.closest('.studio-graph [data-node-id]')?.getAttribute('data-node-id');
  if (node) return { at: 'node', node };
  if (target.closest('.react-flow__edge')) return { at: 'edge' };
  if (target.closest('.studio-graph')) return { at: 'graph' };
  return { at: 'page' };
}
