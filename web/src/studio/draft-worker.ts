/**
 * Reads drafts off the main thread: parses the YAML text and answers what the
 * studio draws from it (the graph and the syntax errors), so a
 * 2,000-node definition opens and takes keystrokes without the page stalling
 * on its parse. Edits still parse on the main thread, on demand (`readDraft`).
 */
import { outlineOf, type OutlineRequest } from './outline';

self.onmessage = (e: MessageEvent<OutlineRequest>) => {
  self.postMessage(outlineOf(e.data.text));
};
