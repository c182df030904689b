import { describe, expect, it } from 'vitest';
import { keyAction, type KeyPlace, type KeyPress } from '../../web/src/studio/studio-keys.js';

/** The studio's key bindings (web/src/studio/studio-keys.ts), as docs/dashboard.md lists them. */
const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });
const none = { edgeSelected: false, nodeSelected: false };

describe('studio key bindings', () => {
  it('undoes and redoes with Ctrl or Cmd, outside the text (the YAML editor has the same keys on the same history)', () => {
    expect(keyAction(press('z', { ctrlKey: true }), 'page', none)).toBe('undo');
    expect(keyAction(press('Z', { ctrlKey: true, shiftKey: true }), 'graph', none)).toBe('redo');
    expect(keyAction(press('y', { metaKey: true }), 'node', none)).toBe('redo');
    expect(keyAction(press('z', { ctrlKey: true }), 'text', none)).toBeNull();
    expect(keyAction(press('z', { ctrlKey: true, altKey: true }), 'page', none)).toBeNull();
  });

  it('opens the save review with Ctrl+S everywhere, the text included', () => {
    for (const at of ['text', 'page', 'node'] as KeyPlace[]) expect(keyAction(press('s', { ctrlKey: true }), at, none)).toBe('save');
  });

  it('deletes the focused node, else the selected edge, else (on the graph) the selected node', () => {
    for (const key of ['Delete', 'Backspace']) {
      expect(keyAction(press(key), 'node', { edgeSelected: true, nodeSelected: true })).toBe('delete-focused-node');
      expect(keyAction(press(key), 'edge', { edgeSelected: true, nodeSelected: true })).toBe('delete-selected-edge');
      expect(keyAction(press(key), 'page', { edgeSelected: true, nodeSelected: false })).toBe('delete-selected-edge');
      expect(keyAction(press(key), 'graph', { edgeSelected: false, nodeSelected: true })).toBe('delete-selected-node');
      // Off the graph a selected node (its panel open) is not deleted by a stray Backspace.
      expect(keyAction(press(key), 'page', { edgeSelected: false, nodeSelected: true })).toBeNull();
      expect(keyAction(press(key), 'edge', none)).toBeNull();
      expect(keyAction(press(key), 'text', { edgeSelected: true, nodeSelected: true })).toBeNull();
    }
  });

  it('unselects with Escape when something is selected, and leaves other keys alone', () => {
    expect(keyAction(press('Escape'), 'page', { edgeSelected: false, nodeSelected: true })).toBe('unselect');
    expect(keyAction(press('Escape'), 'page', none)).toBeNull();
    expect(keyAction(press('Escape'), 'text', { edgeSelected: true, nodeSelected: true })).toBeNull();
    expect(keyAction(press('Delete', { ctrlKey: true }), 'node', none)).toBeNull();
    expect(keyAction(press('a'), 'graph', { edgeSelected: true, nodeSelected: true })).toBeNull();
  });
});
