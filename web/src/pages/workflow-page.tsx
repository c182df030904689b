import { useMemo, useState } from 'react';
import { stringify } from 'yaml';
import { useVersion, useWorkflow } from '../api/queries';
import type { StoredVersion } from '../api/types';
import { useCan } from '../auth/session';
import { when } from '../format';
import { Link } from '../router';
import { DagGraph } from '../run/dag-graph';
import { usePlan } from '../run/use-plan';
import { lineDiff } from '../workflows/line-diff';
import type { FieldSchema } from '../workflows/schema-form';
import { StartForm } from '../workflows/start-form';

/** A version's definition as YAML: the text it was stored from when there is one. */
function yamlOf(version: StoredVersion | undefined): string {
  if (!version) return '';
  return version.source ?? stringify(version.definition);
}

/**
 * `/workflows/{name}`: versions, the definition as YAML, a diff between two
 * versions, the diagram, and the Start run form from the input JSON Schema.
 */
export default function WorkflowPage({ name }: { name: string }) {
  const workflow = useWorkflow(name);
  const operator = useCan('operator');
  const latest = workflow.data?.version ?? null;
  const [picked, setPicked] = useState<number | null>(null);
  const [against, setAgainst] = useState<number | null>(null);
  const shown = picked ?? latest;
  const version = useVersion(name, shown);
  const other = useVersion(name, against);
  const { plan } = usePlan(name, shown);
  const diff = useMemo(() => (other.data && version.data ? lineDiff(yamlOf(other.data), yamlOf(version.data)) : null), [other.data, version.data]);

  if (workflow.error) return <p role="alert" className="error">{String(workflow.error)}</p>;
  if (!workflow.data) return <p className="muted">Loading…</p>;
  const versions = workflow.data.versions;
  return (
    <section>
      <div className="page-head">
        <h1>{name}</h1>
        <label>
          Version
          <select value={shown ?? ''} onChange={(e) => setPicked(Number(e.target.value))}>
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version} · {when(v.createdAt)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Compare with
          <select value={against ?? ''} onChange={(e) => setAgainst(e.target.value ? Number(e.target.value) : null)}>
            <option value="">—</option>
            {versions
              .filter((v) => v.version !== shown)
              .map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                </option>
              ))}
          </select>
        </label>
        <Link to={`/runs?workflow=${encodeURIComponent(name)}`}>Runs of {name}</Link>
        {operator && (
          <Link to={`/workflows/${encodeURIComponent(name)}/edit`} className="button-link">
            Edit
          </Link>
        )}
      </div>
      <h2>Diagram</h2>
      {plan ? <DagGraph nodes={plan.nodes} levels={plan.levels} views={{}} label={`Diagram of ${name} v${shown}`} /> : <p className="muted">Loading…</p>}
      {operator && shown !== null && version.data && (
        <>
          <h2>Start a run of v{shown}</h2>
          <StartForm key={shown} workflow={name} version={shown} schema={version.data.definition.input as FieldSchema | undefined} />
        </>
      )}
      {diff ? (
        <>
          <h2>
            Diff v{against} → v{shown}
          </h2>
          <div className="diff" aria-label="Diff between versions">
            {diff.map((line, i) => (
              <div key={i} className={line.kind}>
                {line.kind === 'add' ? '+ ' : line.kind === 'del' ? '- ' : '  '}
                {line.text}
              </div>
            ))}
          </div>
        </>
      ) : (
        <>
          <h2>Definition (YAML)</h2>
          <pre className="json" aria-label="Definition">{yamlOf(version.data)}</pre>
        </>
      )}
    </section>
  );
}
