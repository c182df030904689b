import { useState, type KeyboardEvent } from 'react';
import { kindOf, parseField, type FieldSchema } from '../workflows/schema-form';
import type { FieldPath } from './doc-edit';

/** What the panel changes; each call is one text edit of the draft. */
export interface NodeActions {
  rename(to: string): void;
  connect(from: string): void;
  disconnect(from: string): void;
  remove(): void;
  setField(path: FieldPath, value: unknown): void;
}

const OWN = new Set(['id', 'type', 'needs']);

/** The text a field shows for its value. */
function shown(value: unknown, json: boolean): string {
  if (value === undefined) return '';
  return json || typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** One field from its JSON Schema: a text, number, check box or choice, else JSON; committed on change of focus or Enter. */
function Field({ path, schema, value, required, onSet }: { path: FieldPath; schema: FieldSchema; value: unknown; required: boolean; onSet: (path: FieldPath, value: unknown) => void }) {
  const kind = kindOf(schema);
  const [error, setError] = useState<string | null>(null);
  const name = path.join('.');
  const commit = (text: string) => {
    if (text === shown(value, kind === 'json')) return;
    const parsed = kind === 'string' && text === '' && required ? { value: '' } : parseField(kind, text, schema);
    setError(parsed.error ?? null);
    if (!parsed.error) onSet(path, parsed.value);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') commit(e.currentTarget.value);
  };
  const label = `${name}${required ? ' *' : ''}`;
  const key = JSON.stringify(value) ?? '';
  return (
    <label className="studio-field">
      {label}
      {kind === 'boolean' ? (
        <input type="checkbox" checked={value === true} onChange={(e) => onSet(path, e.target.checked)} />
      ) : kind === 'enum' ? (
        <select value={value === undefined ? '' : JSON.stringify(value)} onChange={(e) => onSet(path, e.target.value === '' ? undefined : JSON.parse(e.target.value))}>
          <option value="">—</option>
          {schema.enum!.map((v) => (
            <option key={JSON.stringify(v)} value={JSON.stringify(v)}>
              {String(v)}
            </option>
          ))}
        </select>
      ) : kind === 'json' || (kind === 'string' && typeof value === 'string' && value.includes('\n')) ? (
        <textarea key={key} rows={3} defaultValue={kind === 'json' ? shown(value, true) : String(value ?? '')} onBlur={(e) => commit(e.target.value)} placeholder={kind === 'json' ? 'JSON' : ''} />
      ) : (
        <input key={key} type={kind === 'string' ? 'text' : 'number'} defaultValue={shown(value, false)} onBlur={(e) => commit(e.target.value)} onKeyDown={onKey} />
      )}
      {schema.description && <span className="muted small">{schema.description}</span>}
      {error && <span className="field-error" role="alert">{name} {error}</span>}
    </label>
  );
}

/** The fields of one map of the node's schema: set and required ones shown, the others under "More settings". */
function Fields({ path, schema, values, onSet }: { path: FieldPath; schema: FieldSchema; values: Record<string, unknown>; onSet: (path: FieldPath, value: unknown) => void }) {
  const entries = Object.entries(schema.properties ?? {}).filter(([k]) => path.length > 0 || !OWN.has(k));
  const required = new Set(schema.required ?? []);
  const render = ([k, s]: [string, FieldSchema]) =>
    s.properties && (values[k] === undefined || (typeof values[k] === 'object' && !Array.isArray(values[k]))) ? (
      <fieldset key={k} className="studio-fieldset">
        <legend>{[...path, k].join('.')}</legend>
        <Fields path={[...path, k]} schema={s} values={(values[k] ?? {}) as Record<string, unknown>} onSet={onSet} />
      </fieldset>
    ) : (
      <Field key={k} path={[...path, k]} schema={s} value={values[k]} required={required.has(k)} onSet={onSet} />
    );
  const main = entries.filter(([k]) => values[k] !== undefined || required.has(k));
  const more = entries.filter(([k]) => values[k] === undefined && !required.has(k));
  return (
    <>
      {main.map(render)}
      {more.length > 0 && (
        <details>
          <summary>More settings{path.length > 0 ? ` of ${path.join('.')}` : ''}</summary>
          {more.map(render)}
        </details>
      )}
    </>
  );
}

/**
 * The selected node's panel: rename (every reference follows), its needs with
 * "Connect" and "Remove edge", "Remove node", and a form generated from the
 * JSON Schema of its kind. Every action is a button or a field: keyboard only works.
 */
export function NodePanel({ id, type, needs, values, schema, others, actions, onClose }: { id: string; type: string; needs: string[]; values: Record<string, unknown>; schema: FieldSchema | undefined; others: string[]; actions: NodeActions; onClose: () => void }) {
  const [name, setName] = useState(id);
  const [from, setFrom] = useState('');
  const candidates = others.filter((o) => o !== id && !needs.includes(o));
  return (
    <aside className="panel studio-panel" aria-label={`Node ${id}`}>
      <div className="page-head">
        <h2>
          {id} <span className="muted">{type}</span>
        </h2>
        <button type="button" className="ghost" onClick={onClose}>
          Close
        </button>
      </div>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          actions.rename(name);
        }}
      >
        <label>
          Id
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit" disabled={name === id}>
          Rename
        </button>
      </form>
      <h3>Needs</h3>
      <ul className="plain">
        {needs.map((n) => (
          <li key={n}>
            {n}{' '}
            <button type="button" onClick={() => actions.disconnect(n)}>
              Remove edge {n} → {id}
            </button>
          </li>
        ))}
      </ul>
      <div className="inline-form">
        <label>
          Connect from
          <select value={from} onChange={(e) => setFrom(e.target.value)}>
            <option value="">—</option>
            {candidates.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          disabled={from === ''}
          onClick={() => {
            actions.connect(from);
            setFrom('');
          }}
        >
          Connect
        </button>
      </div>
      <h3>Settings</h3>
      {schema ? <Fields path={[]} schema={schema} values={values} onSet={actions.setField} /> : <p className="muted">No schema for {type}.</p>}
      <button type="button" className="danger" onClick={actions.remove}>
        Remove node
      </button>
    </aside>
  );
}
