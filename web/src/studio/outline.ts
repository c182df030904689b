import { graphOf, readDraft, type DraftNode } from './doc-edit';

/** What the studio draws from a text: answered by the draft worker. */
export interface Outline {
  text: string;
  /** Null when the text does not parse (the page keeps the last graph). */
  graph: DraftNode[] | null;
  /** YAML syntax errors at their text range. */
  errors: { message: string; from: number; to: number }[];
}

export interface OutlineRequest {
  text: string;
}

/** The outline of a text (pure: a parse and a walk). */
export function outlineOf(text: string): Outline {
  const draft = readDraft(text);
  return {
    text,
    graph: draft.doc.errors.length === 0 ? graphOf(draft) : null,
    errors: draft.doc.errors.map((e) => ({ message: e.message.split('\n')[0]!, from: e.pos[0], to: Math.max(e.pos[1], e.pos[0] + 1) })),
  };
}
