import { useState } from 'react';
import type { Run } from '../api/types';
import { useCan } from '../auth/session';
import { Link } from '../router';
import { useRunAction } from './use-run-action';

/** Approve / Reject one waiting approval, with an optional comment. */
function ApprovalForm({ runId, nodeId }: { runId: string; nodeId: string }) {
  const [comment, setComment] = useState('');
  const action = useRunAction(runId);
  const decide = (approved: boolean) => action.mutate({ kind: 'approve', nodeId, approved, comment });
  return (
    <fieldset className="approval">
      <legend>Approval {nodeId} is waiting</legend>
      <label>
        Comment
        <input value={comment} onChange={(e) => setComment(e.target.value)} />
      </label>
      <button type="button" onClick={() => decide(true)} disabled={action.isPending}>
        Approve
      </button>
      <button type="button" className="danger" onClick={() => decide(false)} disabled={action.isPending}>
        Reject
      </button>
      {action.error && <p role="alert" className="error">{String(action.error)}</p>}
    </fieldset>
  );
}

/**
 * What the key's role may do to this run, and nothing else (a viewer sees no
 * actions): Cancel run, Pause, Resume, Approve / Reject, Raise budget, Re-run
 * from failure, and edit the input and run again.
 */
export function RunActions({ run, approvals }: { run: Run; approvals: string[] }) {
  const operator = useCan('operator');
  const action = useRunAction(run.id);
  const [budget, setBudget] = useState('');
  const [editing, setEditing] = useState(false);
  const [input, setInput] = useState(() => JSON.stringify(run.input ?? {}, null, 2));
  const [inputError, setInputError] = useState<string | null>(null);
  if (!operator) return null;
  const live = run.status === 'running' || run.status === 'paused';
  const restart = () => {
    try {
      action.mutate({ kind: 'restart', workflow: run.workflow, version: run.version!, input: JSON.parse(input) });
      setInputError(null);
    } catch (err) {
      setInputError(`Not JSON: ${(err as Error).message}`);
    }
  };
  return (
    <div className="actions" role="group" aria-label="Run actions">
      {live && approvals.map((id) => <ApprovalForm key={id} runId={run.id} nodeId={id} />)}
      <div className="action-row">
        {run.status === 'running' && (
          <button type="button" onClick={() => action.mutate({ kind: 'pause' })}>
            Pause
          </button>
        )}
        {run.status === 'paused' && (
          <button type="button" onClick={() => action.mutate({ kind: 'resume' })}>
            Resume
          </button>
        )}
        {live && (
          <button type="button" className="danger" onClick={() => action.mutate({ kind: 'cancel' })}>
            Cancel run
          </button>
        )}
        {live && (
          <form
            className="inline"
            onSubmit={(e) => {
              e.preventDefault();
              const usd = Number(budget);
              if (usd > 0) action.mutate({ kind: 'budget', budgetUsd: usd });
            }}
          >
            <label>
              New budget (USD)
              <input type="number" min="0" step="any" value={budget} onChange={(e) => setBudget(e.target.value)} />
            </label>
            <button type="submit" disabled={!(Number(budget) > 0)}>
              Raise budget
            </button>
          </form>
        )}
        {!live && run.status !== 'succeeded' && (
          <button type="button" onClick={() => action.mutate({ kind: 'rerun', from: 'failed' })}>
            Re-run from failure
          </button>
        )}
        {!live && run.version !== null && (
          <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing}>
            Edit input and run again
          </button>
        )}
        {!live && (
          <Link to={`/compare?a=${encodeURIComponent(run.id)}`} className="button-link">
            Compare…
          </Link>
        )}
      </div>
      {editing && (
        <div className="edit-input">
          <label>
            Input (JSON)
            <textarea rows={8} value={input} onChange={(e) => setInput(e.target.value)} spellCheck={false} />
          </label>
          <button type="button" onClick={restart} disabled={action.isPending}>
            Start run
          </button>
          {inputError && <p role="alert" className="error">{inputError}</p>}
        </div>
      )}
      {action.error && <p role="alert" className="error">{String(action.error)}</p>}
    </div>
  );
}
