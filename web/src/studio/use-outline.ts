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
 * at a time, and when it answers only the newest text typed meanwhile is sent
 * (keystrokes in between are skipped, never queued). `known` is an outline
 * already at hand (a saved version's), answered without the worker while the
 * text is its. Null until the first answer.
 */
export function useOutline(text: string, known: Outline | null): Outline | null {
  const [outline, setOutline] = useState<Outline | null>(known);
  const state = useRef<{ busy: boolean; sent: string | null; next: string | null }>({ busy: false, sent: null, next: null });
  const send = (next: string) => {
    worker.postMessage({ text: next } satisfies OutlineRequest);
    state.current.busy = true;
    state.current.sent = next;
  };
  useEffect(() => {
    const mine = state.current;
    worker.onmessage = (e: MessageEvent<Outline>) => {
      // An answer for a studio left before it came is not this one's.
      if (e.data.text !== mine.sent) return;
      setOutline(e.data);
      mine.busy = false;
      if (mine.next !== null) {
        send(mine.next);
        mine.next = null;
      }
    };
    return () => {
      worker.onmessage = null;
    };
  }, []);
  // A layout effect: the text goes to the worker before the editor is built (a passive effect), so both work at once.
  useLayoutEffect(() => {
    if (text === known?.text && !state.current.sent) return;
    if (state.current.busy) state.current.next = text;
    else send(text);
  }, [text, known]);
  return outline;
}
