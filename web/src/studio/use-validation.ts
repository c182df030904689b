import { useEffect, useRef, useState } from 'react';
import { ApiError, type Client } from '../api/client';
import { nodeAtPointer, pointerRange, readDraft } from './doc-edit';
import type { Outline } from './outline';

/** One problem of the draft, placed in the text and on its node. */
export interface Problem {
  severity: 'error' | 'warning';
  code: string;
  /** JSON pointer (empty for a YAML syntax error). */
  path: string;
  message: string;
  from: number;
  to: number;
  node?: string;
}

/** Quiet time after the last keystroke before validating: with the server's answer, well within 500 ms. */
const DEBOUNCE_MS = 150;

interface Issue {
  code: string;
  path: string;
  message: string;
}

/** Problems from the server's issues, each at its pointer's text range and on its node. */
function place(text: string, issues: Issue[], severity: Problem['severity']): Problem[] {
  const draft = readDraft(text);
  return issues.map((i) => ({ severity, code: i.code, path: i.path, message: i.message, ...pointerRange(draft, i.path), node: nodeAtPointer(draft, i.path) }));
}

/**
 * Validates the draft as it is typed: YAML syntax errors at once from the
 * draft worker's outline, the rest through `POST /workflows/validate` (errors and deprecated
 * model warnings) shortly after the last keystroke. Answers for older text are dropped.
 * Checking until the first outline arrives.
 */
export function useValidation(client: Client, outline: Outline | null): { problems: Problem[]; checking: boolean } {
  const [state, setState] = useState<{ problems: Problem[]; checking: boolean }>({ problems: [], checking: true });
  const sequence = useRef(0);
  useEffect(() => {
    const mine = ++sequence.current;
    const settle = (problems: Problem[]) => {
      if (mine === sequence.current) setState({ problems, checking: false });
    };
    if (!outline) return;
    const { text, errors } = outline;
    if (errors.length > 0) {
      settle(errors.map((e) => ({ severity: 'error', code: 'YAML', path: '', ...e })));
      return;
    }
    setState((s) => ({ ...s, checking: true }));
    const timer = setTimeout(() => {
      client
        .send<{ warnings?: Issue[] }>('POST', '/workflows/validate', text)
        .then((ok) => settle(place(text, ok.warnings ?? [], 'warning')))
        .catch((err: unknown) => {
          if (!(err instanceof ApiError) || !err.body) return settle([{ severity: 'error', code: 'UNAVAILABLE', path: '', message: String(err), from: 0, to: 0 }]);
          const details = (err.body.details ?? {}) as { errors?: Issue[]; warnings?: Issue[]; line?: number | null };
          if (details.errors) return settle([...place(text, details.errors, 'error'), ...place(text, details.warnings ?? [], 'warning')]);
          settle([{ severity: 'error', code: err.body.code, path: '', message: err.body.message, from: 0, to: Math.min(1, text.length) }]);
        });
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [client, outline]);
  return state;
}
