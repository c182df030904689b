import { autocompletion, type CompletionSource } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, redo, undo } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { bracketMatching, indentOnInput, syntaxHighlighting, defaultHighlightStyle } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import type { TextChange } from './doc-edit';

/** The dashboard's colours (its CSS variables reach into the shadow root). */
const theme = EditorView.theme({
  '&': { height: '100%', color: 'var(--text)', backgroundColor: 'var(--panel)', fontSize: '12.5px' },
  '.cm-scroller': { fontFamily: "ui-monospace, 'SFMono-Regular', Menlo, monospace" },
  '.cm-gutters': { backgroundColor: 'var(--panel-2)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--accent) 8%, transparent)' },
  '.cm-content': { caretColor: 'var(--text)' },
  '&.cm-focused': { outline: '2px solid var(--accent)' },
});

/** What the studio does to the text editor from outside it (graph edits, problems, undo). */
export interface YamlEditorHandle {
  /** Applies graph edits as one transaction: one step of the shared undo history. */
  apply(changes: readonly TextChange[]): void;
  replaceAll(text: string): void;
  undo(): void;
  redo(): void;
  reveal(from: number, to: number): void;
  diagnose(diagnostics: Diagnostic[]): void;
}

/**
 * The YAML text (CodeMirror 6 with lang-yaml and lint), accessible name
 * "Definition (YAML)". Its history is the studio's one undo history: graph
 * edits arrive here as transactions, so Undo and Redo cover both views.
 */
export const YamlEditor = forwardRef<YamlEditorHandle, { initial: string; onChange: (text: string) => void; complete: CompletionSource }>(function YamlEditor({ initial, onChange, complete }, ref) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef({ onChange, complete });
  latest.current = { onChange, complete };

  useEffect(() => {
    // In a shadow root CodeMirror's styles are constructed style sheets; in the document they would be
    // <style> elements, which the dashboard's CSP (style-src 'self', no inline styles) refuses.
    const shadow = host.current!.shadowRoot ?? host.current!.attachShadow({ mode: 'open' });
    const parent = document.createElement('div');
    parent.style.height = '100%';
    shadow.replaceChildren(parent);
    const editor = new EditorView({
      root: shadow,
      parent,
      state: EditorState.create({
        doc: initial,
        extensions: [
          lineNumbers(),
          history(),
          highlightActiveLine(),
          indentOnInput(),
          bracketMatching(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          yaml(),
          lintGutter(),
          theme,
          autocompletion({ override: [(ctx) => latest.current.complete(ctx)] }),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorView.contentAttributes.of({ 'aria-label': 'Definition (YAML)' }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) latest.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      shadow.replaceChildren();
    };
    // Made once: its text then changes only through transactions (`initial` is read once).
  }, []);

  useImperativeHandle(ref, () => ({
    apply(changes) {
      if (view.current && changes.length > 0) view.current.dispatch({ changes: [...changes].sort((a, b) => a.from - b.from), userEvent: 'input.graph' });
    },
    replaceAll(text) {
      const v = view.current;
      if (v) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text }, userEvent: 'input.replace' });
    },
    undo: () => void (view.current && undo(view.current)),
    redo: () => void (view.current && redo(view.current)),
    reveal(from, to) {
      const v = view.current;
      if (!v) return;
      const end = Math.min(to, v.state.doc.length);
      v.dispatch({ selection: { anchor: Math.min(from, end), head: end }, scrollIntoView: true });
      v.focus();
    },
    diagnose(diagnostics) {
      const v = view.current;
      if (v) v.dispatch(setDiagnostics(v.state, diagnostics.filter((d) => d.to <= v.state.doc.length)));
    },
  }));

  return <div className="yaml-editor" ref={host} />;
});
