import { useMemo, useState } from 'react';
import { ApiError } from '../api/client';
import { useSession } from '../auth/session';
import { lineDiff } from '../workflows/line-diff';
import { readDraft } from './doc-edit';

/** Nodes added, removed and changed between two texts (a node changed when its text differs). */
export function graphDiff(before: string, after: string): { added: string[]; removed: string[]; changed: string[] } {
  const nodesOf = (text: string) => {
    const nodes = (readDraft(text).doc.toJS() as { nodes?: { id?: unknown }[] } | null)?.nodes ?? [];
    return new Map(nodes.filter((n) => typeof n?.id === 'string').map((n) => [n.id as string, JSON.stringify(n)]));
  };
  const a = nodesOf(before);
  const b = nodesOf(after);
  return {
    added: [...b.keys()].filter((id) => !a.has(id)),
    removed: [...a.keys()].filter((id) => !b.has(id)),
    changed: [...b.keys()].filter((id) => a.has(id) && a.get(id) !== b.get(id)),
  };
}

/**
 * Before "Save version": the YAML diff against the version the draft is based
 * on and the graph's added, removed and changed nodes; then `POST /workflows`
 * with `baseVersion`. A 409 CONFLICT (someone saved since) is shown and the
 * draft stays.
 */
export function SaveReview({ workflow, baseVersion, before, after, onSaved, onCancel }: { workflow: string; baseVersion: number; before: string; after: string; onSaved: (version: number) => void; onCancel: () => void }) {
  const { client } = useSession();
  const lines = useMemo(() => lineDiff(before, after), [before, after]);
  const nodes = useMemo(() => graphDiff(before, after), [before, after]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await client.send<{ version: number }>('POST', `/workflows?baseVersion=${baseVersion}`, after);
      onSaved(res.version);
    } catch (err) {
      const conflict = err instanceof ApiError && err.body?.code === 'CONFLICT';
      setError(conflict ? `CONFLICT: ${err.body!.message}. Your draft is kept.` : String(err instanceof Error ? err.message : err));
    } finally {
      setBusy(false);
    }
  };
  const changed = lines.filter((l) => l.kind !== 'same').length;
  return (
    <div className="panel" role="region" aria-label="Save version">
      <h2>
        Save {workflow} {baseVersion > 0 ? `as v${baseVersion + 1}` : '(new workflow)'}
      </h2>
      <ul className="plain graph-diff" aria-label="Graph changes">
        {nodes.added.map((id) => (
          <li key={`a-${id}`} data-diff="added">+ {id}</li>
        ))}
        {nodes.removed.map((id) => (
          <li key={`r-${id}`} data-diff="removed">− {id}</li>
        ))}
        {nodes.changed.map((id) => (
          <li key={`c-${id}`} data-diff="changed">~ {id}</li>
        ))}
      </ul>
      <p className="muted">{changed} changed line{changed === 1 ? '' : 's'}</p>
      <div className="diff" aria-label="YAML diff">
        {lines
          .filter((l, i) => l.kind !== 'same' || lines.slice(Math.max(0, i - 2), i + 3).some((n) => n.kind !== 'same'))
          .map((line, i) => (
            <div key={i} className={line.kind}>
              {line.kind === 'add' ? '+ ' : line.kind === 'del' ? '- ' : '  '}
              {line.text}
            </div>
          ))}
      </div>
      <button type="button" onClick={save} disabled={busy}>
        Confirm save
      </button>
      <button type="button" className="ghost" onClick={onCancel}>
        Cancel
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}
