import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Outline, OutlineRequest } from './outline';

/**
 * The draft worker, started when the studio's code loads: it fetches and
 * compiles its module while the page is still loading the definition. One
 * for the page's life, serving the one studio on screen.
 */
const worker = new Worker(new URL('./draft-worker.ts', import.meta.url), { type: 'module' });

/**
 * The outline of the latest text, from the draft worker: one text in flight
 * at a time; when it answers and the text has changed meanwhile, the latest
 * text goes next (keystrokes in between are skipped, never queued). `known`
 * is an outline already at hand (a saved version's), answered without the
 * worker while the text is its. Null until the first answer.
 */
export function useOutline(text: string, known: Outline | null): Outline | null {
  const [outline, setOutline] = useState<Outline | null>(known);
  const state = useRef<{ latest: string; sent: string | null }>({ latest: text, sent: null });
  useEffect(() => {
    const mine = state.current;
    worker.onmessage = (e: MessageEvent<Outline>) => {
      // An answer for a studio left before it came is not this one's.
      if (e.data.text !== mine.sent) return;
      setOutline(e.data);
      mine.sent = null;
      if (mine.latest !== e.data.text) send(mine, mine.latest);
    };
    return () => {
      worker.onmessage = null;
    };
  }, []);
  // A layout effect: the text goes to the worker before the editor is built (a passive effect), so both work at once.
  useLayoutEffect(() => {
    const mine = state.current;
    mine.latest = text;
    if (text === known?.text) setOutline(known);
    else if (mine.sent === null) send(mine, text);
  }, [text, known]);
  return outline;
}

function send(state: { sent: string | null }, text: string): void {
  worker.postMessage({ text } satisfies OutlineRequest);
  state.sent = text;
}
