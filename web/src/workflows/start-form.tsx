import { useMemo, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import type { StartedRun } from '../api/types';
import { useSession } from '../auth/session';
import { navigate } from '../router';
import { initialText, kindOf, parseField, type FieldSchema } from './schema-form';

/**
 * The Start run form generated from the workflow's input JSON Schema: one
 * field per property (type, choices, bounds, required checked here first),
 * and the server's coded error (`INPUT_INVALID` with each path) when it
 * refuses what the form let through. A schema that is not an object of
 * properties is edited as one JSON value. With `definition` (the studio's
 * draft), it starts an ad-hoc run of that text instead of a stored version.
 */
export function StartForm({ workflow, version, schema, definition }: { workflow: string; version: number | null; schema: FieldSchema | undefined; definition?: string }) {
  const { client } = useSession();
  const fields = useMemo(() => {
    if (!schema?.properties) return null;
    return Object.entries(schema.properties).map(([name, s]) => ({ name, schema: s, kind: kindOf(s), required: schema.required?.includes(name) ?? false }));
  }, [schema]);
  const [texts, setTexts] = useState<Record<string, string>>(() => Object.fromEntries((fields ?? []).map((f) => [f.name, initialText(f.kind, f.schema)])));
  const [whole, setWhole] = useState('{}');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const collect = (): { input?: unknown; problems: Record<string, string> } => {
    const problems: Record<string, string> = {};
    if (!fields) {
      try {
        return { input: JSON.parse(whole), problems };
      } catch {
        return { problems: { $: 'must be JSON' } };
      }
    }
    const input: Record<string, unknown> = {};
    for (const f of fields) {
      const { value, error } = parseField(f.kind, texts[f.name] ?? '', f.schema);
      if (error) problems[f.name] = error;
      else if (value === undefined && f.required) problems[f.name] = 'is required';
      else if (value !== undefined) input[f.name] = value;
    }
    return { input, problems };
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setServerError(null);
    const { input, problems } = collect();
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    try {
      const run = await client.send<StartedRun>('POST', '/runs', definition === undefined ? { workflow, version, input } : { definition, input });
      navigate(`/runs/${encodeURIComponent(run.id)}`);
    } catch (err) {
      const details = err instanceof ApiError ? (err.body?.details as { errors?: { path: string; message: string }[] } | undefined) : undefined;
      setServerError(details?.errors ? `${(err as ApiError).body!.code}: ${details.errors.map((p) => `${p.path} ${p.message}`).join('; ')}` : String(err instanceof Error ? err.message : err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form-grid" onSubmit={submit} noValidate aria-label="Start run">
      {fields === null ? (
        <label>
          Input (JSON)
          <textarea rows={6} value={whole} onChange={(e) => setWhole(e.target.value)} aria-invalid={errors.$ !== undefined} />
          {errors.$ && <span className="field-error" role="alert">Input {errors.$}</span>}
        </label>
      ) : (
        fields.map((f) => {
          const id = `field-${f.name}`;
          const text = texts[f.name] ?? '';
          const set = (v: string) => setTexts((t) => ({ ...t, [f.name]: v }));
          const label = `${f.schema.title ?? f.name}${f.required ? ' *' : ''}`;
          return (
            <label key={f.name} htmlFor={id}>
              {label}
              {f.kind === 'boolean' ? (
                <input id={id} type="checkbox" checked={text === 'true'} onChange={(e) => set(String(e.target.checked))} />
              ) : f.kind === 'enum' ? (
                <select id={id} value={text} onChange={(e) => set(e.target.value)} aria-invalid={errors[f.name] !== undefined}>
                  <option value="">—</option>
                  {f.schema.enum!.map((v) => (
                    <option key={JSON.stringify(v)} value={JSON.stringify(v)}>
                      {String(v)}
                    </option>
                  ))}
                </select>
              ) : f.kind === 'json' ? (
                <textarea id={id} rows={4} value={text} onChange={(e) => set(e.target.value)} aria-invalid={errors[f.name] !== undefined} placeholder="JSON" />
              ) : (
                <input id={id} type={f.kind === 'string' ? 'text' : 'number'} value={text} onChange={(e) => set(e.target.value)} aria-invalid={errors[f.name] !== undefined} />
              )}
              {f.schema.description && <span className="muted small">{f.schema.description}</span>}
              {errors[f.name] && (
                <span className="field-error" role="alert">
                  {f.name} {errors[f.name]}
                </span>
              )}
            </label>
          );
        })
      )}
      <div>
        <button type="submit" disabled={busy}>
          Start run
        </button>
      </div>
      {serverError && (
        <p role="alert" className="error">
          {serverError}
        </p>
      )}
    </form>
  );
}
