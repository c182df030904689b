import { stringify } from 'yaml';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { ApiError } from '../api/client';
import { useApi } from '../api/queries';
import type { Estimate, WorkflowDetail } from '../api/types';
import { useSession } from '../auth/session';
import { usd } from '../format';
import { LeaveDialog } from '../components/leave-dialog';
import { navigate, useBlocker } from '../router';
import type { Positions } from '../run/layout';
import { templateCompletion } from '../studio/completion';
import { addNode, connect, disconnect, DocEditError, graphOf, graphOfDefinition, readDraft, removeNode, renameNode, setNodeField, type DraftNode, type TextChange } from '../studio/doc-edit';
import { clearDraft, loadDraft, storeDraft } from '../studio/draft-store';
import { toYamlDefinition } from '../studio/import-file';
import { freeId, kindsOf, starterNode } from '../studio/node-kinds';
import { NodePanel } from '../studio/node-panel';
import { SaveReview } from '../studio/save-review';
import { keyAction, keyPlace } from '../studio/studio-keys';
import { PALETTE_MIME, StudioGraph, type NeedsEdge } from '../studio/studio-graph';
import type { Outline } from '../studio/outline';
import { useOutline } from '../studio/use-outline';
import { useValidation } from '../studio/use-validation';
import { YamlEditor, type YamlEditorHandle } from '../studio/yaml-editor';
import type { FieldSchema } from '../workflows/schema-form';
import { StartForm } from '../workflows/start-form';

const STARTER = `apiVersion: weft/v1
name: my-workflow
description: A new workflow
nodes:
  - id: start
    type: transform
    output: {hello: world}
`;

interface OpenApi {
  components?: { schemas?: { Definition?: Parameters<typeof kindsOf>[0] } };
}

/** The workflow name the text declares. */
const nameIn = (text: string) => {
  const name = readDraft(text).doc.get('name');
  return typeof name === 'string' ? name : '';
};

/**
 * `/workflows/new` and `/workflows/{name}/edit` (weft-ops §12): loads the
 * latest version (or a starter) and the DSL's JSON Schema, then the studio.
 */
export default function StudioPage({ name }: { name: string | null }) {
  const latest = useApi<WorkflowDetail>(name ? `/workflows/${encodeURIComponent(name)}` : null);
  const openapi = useApi<OpenApi>('/openapi.json');
  if (latest.error) return <p role="alert" className="error">{String(latest.error)}</p>;
  if ((name && !latest.data) || !openapi.data) return <p className="muted">Loading…</p>;
  const source = latest.data ? (latest.data.source ?? stringify(latest.data.definition, { lineWidth: 0 })) : null;
  return <Studio key={name ?? ''} name={name} saved={source} savedVersion={latest.data?.version ?? 0} definition={latest.data?.definition} kinds={kindsOf(openapi.data.components?.schemas?.Definition)} />;
}

function Studio({ name, saved, savedVersion, definition, kinds }: { name: string | null; saved: string | null; savedVersion: number; definition: unknown; kinds: ReturnType<typeof kindsOf> }) {
  const { client } = useSession();
  const storageKey = name ?? 'new';
  const [restored] = useState(() => loadDraft(storageKey));
  const [base, setBase] = useState(restored?.baseVersion ?? savedVersion);
  const [savedText, setSavedText] = useState(saved ?? '');
  const [text, setText] = useState(restored?.text ?? saved ?? STARTER);
  const textRef = useRef(text);
  const editor = useRef<YamlEditorHandle>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [selectedEdge, setSelectedEdge] = useState<NeedsEdge | null>(null);
  const [moved, setMoved] = useState<Positions>(new Map());
  const [notice, setNotice] = useState<{ kind: 'error' | 'ok'; text: string } | null>(restored && restored.text !== saved ? { kind: 'ok', text: `Restored your unsaved draft (based on v${restored.baseVersion}).` } : null);
  const [mode, setMode] = useState<'edit' | 'save' | 'test'>('edit');
  const dirty = text !== savedText;

  const onChange = useCallback((next: string) => {
    textRef.current = next;
    setText(next);
  }, []);
  // The draft survives a reload; leaving with unsaved changes asks first.
  useEffect(() => {
    const timer = setTimeout(() => (dirty ? storeDraft(storageKey, { text, baseVersion: base }) : clearDraft(storageKey)), 200);
    return () => clearTimeout(timer);
  }, [storageKey, text, base, dirty]);
  // What leaving loses nothing of: the saved version, or the untouched starter. A ref, so the save that navigates on is not held by a render not yet made.
  const clean = useRef(saved ?? STARTER);
  const unsaved = text !== clean.current;
  useEffect(() => {
    if (!unsaved) return;
    const ask = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', ask);
    return () => window.removeEventListener('beforeunload', ask);
  }, [unsaved]);
  const leaving = useBlocker(() => textRef.current !== clean.current);

  // The graph follows the text as the draft worker reads it (typing in a large definition stays responsive); a text that does not parse keeps the last graph.
  // The saved version's graph comes from its stored definition: drawn at once, with no parse of its text.
  const [known] = useState<Outline | null>(() => (saved !== null && definition ? { text: saved, graph: graphOfDefinition(definition), errors: [] } : null));
  const outline = useOutline(text, known);
  const lastGraph = useRef<DraftNode[]>([]);
  const graph = useMemo(() => (outline?.graph ? (lastGraph.current = outline.graph) : lastGraph.current), [outline]);
  const values = useMemo(() => {
    if (!selected || !outline?.graph) return undefined;
    // Parsed here only while a node is selected: its form shows the values.
    const nodes = (readDraft(outline.text).doc.toJS() as { nodes?: Record<string, unknown>[] } | null)?.nodes ?? [];
    return nodes.find((n) => n.id === selected);
  }, [outline, selected]);

  const { problems, checking: validating } = useValidation(client, outline);
  // Text typed since the draft worker's last outline is not checked yet: it may not be saved until it is.
  const checking = validating || outline?.text !== text;
  const marked = useRef(false);
  useEffect(() => {
    // No marks yet and none to make: a transaction here would only cost a large definition's first paint.
    if (!marked.current && problems.length === 0) return;
    marked.current = true;
    editor.current?.diagnose(problems.map((p) => ({ from: p.from, to: p.to, severity: p.severity, message: `${p.code}${p.path ? ` ${p.path}` : ''}: ${p.message}`, source: 'weft' })));
  }, [problems]);
  const byNode = useMemo(() => {
    const out = new Map<string, { severity: 'error' | 'warning'; count: number }>();
    for (const p of problems) {
      if (!p.node) continue;
      const before = out.get(p.node);
      out.set(p.node, { severity: before?.severity === 'error' || p.severity === 'error' ? 'error' : 'warning', count: (before?.count ?? 0) + 1 });
    }
    return out;
  }, [problems]);

  /** A graph edit: text changes computed on the current text, applied as one undoable transaction. */
  const edit = useCallback((op: (d: ReturnType<typeof readDraft>) => TextChange[]) => {
    try {
      editor.current?.apply(op(readDraft(textRef.current)));
      setNotice(null);
      return true;
    } catch (err) {
      if (!(err instanceof DocEditError)) throw err;
      setNotice({ kind: 'error', text: err.message });
      return false;
    }
  }, []);
  const add = useCallback(
    (type: string) => {
      const id = freeId(type, graphOf(readDraft(textRef.current)).map((n) => n.id));
      if (edit((d) => addNode(d, starterNode(type, id)))) setSelected(id);
    },
    [edit],
  );
  const link = useCallback((from: string, to: string) => edit((d) => connect(d, from, to)), [edit]);

  /** Removes a node; focus, which was on it or in its panel, goes to the graph. */
  const removeAndRefocus = (id: string, graphEl: HTMLElement | null) => {
    if (!edit((d) => removeNode(d, id))) return;
    if (selected === id) setSelected(null);
    graphEl?.focus();
  };
  // The bindings are studio-keys.ts's table (docs/dashboard.md, "Keyboard"); the YAML editor keeps its own keys.
  const onKeys = (e: KeyboardEvent<HTMLElement>) => {
    if (e.defaultPrevented) return;
    const place = keyPlace(e.target as Element);
    const action = keyAction(e, place.at, { edgeSelected: selectedEdge !== null, nodeSelected: selected !== null });
    if (!action) return;
    e.preventDefault();
    const graphEl = e.currentTarget.querySelector<HTMLElement>('.studio-graph');
    if (action === 'undo') editor.current?.undo();
    else if (action === 'redo') editor.current?.redo();
    else if (action === 'save') {
      if (errors === 0 && !checking) setMode('save');
      else setNotice({ kind: 'error', text: checking ? 'Still checking the draft: save again in a moment.' : `Cannot save: ${errors} problem${errors > 1 ? 's' : ''} to fix first.` });
    } else if (action === 'delete-focused-node') removeAndRefocus(place.node!, graphEl);
    else if (action === 'delete-selected-node') removeAndRefocus(selected!, graphEl);
    else if (action === 'delete-selected-edge') {
      const { from, to } = selectedEdge!;
      if (edit((d) => disconnect(d, from, to))) setSelectedEdge(null);
      if (place.at === 'edge') graphEl?.focus();
    } else if (selectedEdge) setSelectedEdge(null);
    else setSelected(null);
  };
  const importFile = async (file: File) => {
    try {
      const next = await toYamlDefinition(file.name, await file.text());
      editor.current?.replaceAll(next.text);
      setNotice({ kind: 'ok', text: `Imported ${file.name}${next.notes.length ? `: ${next.notes.join('; ')}` : ''}` });
    } catch (err) {
      setNotice({ kind: 'error', text: `Cannot import ${file.name}: ${(err as Error).message}` });
    }
  };
  const dropFile = (e: DragEvent) => {
    const file = e.dataTransfer.files[0];
    if (!file) return;
    e.preventDefault();
    void importFile(file);
  };
  const download = () => {
    const url = URL.createObjectURL(new Blob([textRef.current], { type: 'application/yaml' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${nameIn(textRef.current) || 'workflow'}.yaml`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  };
  const afterSave = (version: number) => {
    const workflow = nameIn(textRef.current);
    setBase(version);
    setSavedText(textRef.current);
    clean.current = textRef.current;
    clearDraft(storageKey);
    setMode('edit');
    setNotice({ kind: 'ok', text: `Saved ${workflow} v${version}.` });
    if (!name) navigate(`/workflows/${encodeURIComponent(workflow)}/edit`);
  };

  const errors = problems.filter((p) => p.severity === 'error').length;
  const node = selected ? graph.find((n) => n.id === selected) : undefined;
  const kind = node ? kinds.find((k) => k.type === node.type) : undefined;
  // Read from the text only to save it: a large definition is not parsed on the main thread for its name on every render.
  const workflow = mode === 'save' ? nameIn(text) : '';
  return (
    <section className="studio" onKeyDown={onKeys} onDragOver={(e) => e.dataTransfer.types.includes('Files') && e.preventDefault()} onDrop={dropFile}>
      <div className="page-head">
        <h1>{name ? `Edit ${name}` : 'New workflow'}</h1>
        <span className="muted">{base > 0 ? `based on v${base}` : 'not saved yet'}{dirty ? ' · unsaved changes' : ''}</span>
        <span className={`muted${checking ? '' : ' done'}`} data-validation={checking ? 'checking' : errors > 0 ? 'invalid' : 'valid'}>
          {checking ? 'checking…' : errors > 0 ? `${errors} problem${errors > 1 ? 's' : ''}` : 'valid'}
        </span>
      </div>
      <div className="toolbar" role="toolbar" aria-label="Studio">
        <button type="button" onClick={() => editor.current?.undo()}>Undo</button>
        <button type="button" onClick={() => editor.current?.redo()}>Redo</button>
        <button type="button" onClick={() => setMoved(new Map())}>Auto layout</button>
        <button type="button" onClick={() => setMode(mode === 'test' ? 'edit' : 'test')} aria-expanded={mode === 'test'}>Test run</button>
        <button type="button" onClick={() => setMode(mode === 'save' ? 'edit' : 'save')} aria-expanded={mode === 'save'} disabled={errors > 0 || checking}>Save version</button>
        <button type="button" onClick={download}>Download YAML</button>
        <label className="button-link">
          Import a file
          <input type="file" accept=".yaml,.yml,.json" className="visually-hidden" onChange={(e) => e.target.files?.[0] && void importFile(e.target.files[0])} />
        </label>
        {restored && dirty && (
          <button type="button" className="ghost" onClick={() => editor.current?.replaceAll(saved ?? STARTER)}>
            Discard draft
          </button>
        )}
      </div>
      {notice && (
        <p role={notice.kind === 'error' ? 'alert' : 'status'} className={notice.kind === 'error' ? 'error' : 'muted'}>
          {notice.text}
        </p>
      )}
      {mode === 'save' && <SaveReview workflow={workflow} baseVersion={base} before={savedText} after={text} onSaved={afterSave} onCancel={() => setMode('edit')} />}
      {mode === 'test' && <TestRun text={text} />}
      <div className="palette" role="group" aria-label="Palette">
        {kinds.map((k) => (
          <button key={k.type} type="button" draggable title={k.description} onDragStart={(e) => e.dataTransfer.setData(PALETTE_MIME, k.type)} onClick={() => add(k.type)}>
            Add {k.type}
          </button>
        ))}
      </div>
      <div className={`studio-body${node ? ' with-panel' : ''}`}>
        <YamlEditor ref={editor} initial={text} onChange={onChange} complete={templateCompletion} />
        <StudioGraph nodes={graph} problems={byNode} selected={selected} onSelect={setSelected} selectedEdge={selectedEdge} onSelectEdge={setSelectedEdge} onConnect={link} onDropKind={add} moved={moved} onMove={(id, at) => setMoved((m) => new Map(m).set(id, at))} />
        {node && (
          <NodePanel
            key={node.id}
            id={node.id}
            type={node.type}
            needs={node.needs}
            values={values ?? {}}
            schema={kind?.schema as FieldSchema | undefined}
            others={graph.map((n) => n.id)}
            onClose={() => setSelected(null)}
            actions={{
              rename: (to) => edit((d) => renameNode(d, node.id, to)) && setSelected(to),
              connect: (from) => link(from, node.id),
              disconnect: (from) => edit((d) => disconnect(d, from, node.id)),
              remove: () => removeAndRefocus(node.id, document.querySelector<HTMLElement>('.studio-graph')),
              setField: (path, value) => edit((d) => setNodeField(d, node.id, path, value)),
            }}
          />
        )}
      </div>
      {leaving.blocked && (
        <LeaveDialog
          message="Your draft is kept in this browser: opening this editor again restores it."
          onStay={leaving.reset}
          onLeave={() => {
            storeDraft(storageKey, { text: textRef.current, baseVersion: base });
            leaving.proceed();
          }}
        />
      )}
      <h2>Problems</h2>
      {problems.length === 0 ? (
        <p className="muted">{checking ? 'Checking…' : 'No problems.'}</p>
      ) : (
        <ul className="plain problems" aria-label="Problems">
          {problems.map((p, i) => (
            <li key={`${p.path}-${i}`} data-severity={p.severity}>
              <button type="button" className="linklike" data-problem-path={p.path} onClick={() => editor.current?.reveal(p.from, p.to)}>
                {p.severity === 'error' ? '⚠' : '!'} {p.code} {p.path || '(text)'}
              </button>{' '}
              {p.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** "Test run": the draft's cost estimate, then a start form on its input schema that starts an ad-hoc run of the draft. */
function TestRun({ text }: { text: string }) {
  const { client } = useSession();
  const [estimate, setEstimate] = useState<Estimate | string | null>(null);
  useEffect(() => {
    let live = true;
    client
      .send<Estimate>('POST', '/workflows/estimate', { definition: text })
      .then((e) => live && setEstimate(e))
      .catch((err: unknown) => live && setEstimate(err instanceof ApiError ? err.message : String(err)));
    return () => {
      live = false;
    };
  }, [client, text]);
  const schema = (readDraft(text).doc.toJS() as { input?: FieldSchema } | null)?.input;
  return (
    <div className="panel" role="region" aria-label="Test run">
      <h2>Test run of the draft</h2>
      <p data-estimate>
        {estimate === null ? 'Estimating…' : typeof estimate === 'string' ? estimate : `Estimated cost ${usd(estimate.minUsd)} – ${usd(estimate.maxUsd)} (${estimate.basis})`}
      </p>
      <StartForm key={JSON.stringify(schema ?? null)} workflow={nameIn(text)} version={null} schema={schema} definition={text} />
    </div>
  );
}
