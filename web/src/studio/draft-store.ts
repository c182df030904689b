/** An unsaved draft of the studio, kept in `localStorage` across reloads (a definition, never a key). */
export interface StoredDraft {
  text: string;
  /** The version the draft was started from (0: a new workflow): what "Save version" sends as `baseVersion`. */
  baseVersion: number;
}

const key = (workflow: string) => `weft.studio.draft.${workflow}`;

export function loadDraft(workflow: string): StoredDraft | null {
  try {
    const raw = localStorage.getItem(key(workflow));
    const parsed = raw ? (JSON.parse(raw) as Partial<StoredDraft>) : null;
    return parsed && typeof parsed.text === 'string' && typeof parsed.baseVersion === 'number' ? { text: parsed.text, baseVersion: parsed.baseVersion } : null;
  } catch {
    return null;
  }
}

export function storeDraft(workflow: string, draft: StoredDraft): void {
  try {
    localStorage.setItem(key(workflow), JSON.stringify(draft));
  } catch {
    // A full storage only loses the reload copy; the editor keeps the draft.
  }
}

export function clearDraft(workflow: string): void {
  localStorage.removeItem(key(workflow));
}
