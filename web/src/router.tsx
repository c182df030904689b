import { useEffect, useRef, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const NAVIGATE = 'weft:navigate';

/**
 * Asked before each in-app navigation while a page holds one (the studio
 * with unsaved changes): answers true to hold it, and then calls `go` itself
 * if the person agrees to leave.
 */
type Blocker = (go: () => void) => boolean;
let blocker: Blocker | null = null;
/** The path and query of the page shown (what a held back/forward puts back in the address bar). */
let shown = location.pathname + location.search;
const here = () => location.pathname + location.search;

function go(to: string): void {
  history.pushState(null, '', to);
  shown = here();
  window.dispatchEvent(new Event(NAVIGATE));
}

/** Goes to `to` in this tab without a reload (history API), unless a blocker holds it. */
export function navigate(to: string): void {
  if (blocker && to !== shown && blocker(() => go(to))) return;
  go(to);
}

// Back and forward: registered when this module loads, before any page listens, so a held one never reaches `useLocation`.
window.addEventListener('popstate', (e) => {
  const to = here();
  if (blocker && to !== shown && blocker(() => go(to))) {
    e.stopImmediatePropagation();
    history.pushState(null, '', shown);
    return;
  }
  shown = to;
});

/**
 * Holds in-app navigation (links, `navigate`, back and forward) while
 * `shouldBlock()` is true, as React Router's `useBlocker`: `blocked` then
 * says a navigation waits, `proceed` carries it out, `reset` drops it.
 * One blocker at a time (the page that registered last).
 */
export function useBlocker(shouldBlock: () => boolean): { blocked: boolean; proceed: () => void; reset: () => void } {
  const [pending, setPending] = useState<(() => void) | null>(null);
  const latest = useRef(shouldBlock);
  latest.current = shouldBlock;
  useEffect(() => {
    const mine: Blocker = (next) => {
      if (!latest.current()) return false;
      setPending(() => next);
      return true;
    };
    const before = blocker;
    blocker = mine;
    return () => {
      if (blocker === mine) blocker = before;
    };
  }, []);
  return {
    blocked: pending !== null,
    proceed: () => {
      setPending(null);
      const held = blocker;
      // Carried out unheld: the page agreed to go.
      blocker = null;
      try {
        pending?.();
      } finally {
        if (blocker === null) blocker = held;
      }
    },
    reset: () => setPending(null),
  };
}

/** The current path and query, updated on navigation and back/forward. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const read = () => ({ path: location.pathname, query: new URLSearchParams(location.search) });
  const [at, setAt] = useState(read);
  useEffect(() => {
    const update = () => setAt(read());
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATE, update);
    };
  }, []);
  return at;
}

/** A link that navigates in-app (a plain click), and behaves as a link otherwise (new tab, copy). */
export function Link({ to, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={onClick} {...rest} />;
}

/** Replaces the query string (filters) without adding a history entry. */
export function setQuery(params: Record<string, string | undefined>): void {
  const query = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(params)) {
    if (v) query.set(k, v);
    else query.delete(k);
  }
  const search = query.toString();
  history.replaceState(null, '', location.pathname + (search ? `?${search}` : ''));
  shown = here();
  window.dispatchEvent(new Event(NAVIGATE));
}
