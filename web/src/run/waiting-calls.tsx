import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../api/client';
import type { RunNode } from '../api/types';
import { useSession } from '../auth/session';
import { pretty, when } from '../format';

type PendingCall = NonNullable<RunNode['pendingToolCalls']>[number];

/** One call waiting for a decision: Approve, Reject, or Edit arguments (a JSON editor; the server checks them: 422 ARGS_INVALID shown here). */
function WaitingCall({ runId, nodeId, call, operator }: { runId: string; nodeId: string; call: PendingCall; operator: boolean }) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState('');
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(() => JSON.stringify(call.args, null, 2));
  const [problem, setProblem] = useState<string | null>(null);
  const base = `/runs/${encodeURIComponent(runId)}`;
  const decide = useMutation({
    mutationFn: (body: { approved: boolean; args?: unknown }) =>
      client.send('POST', `${base}/approvals/${encodeURIComponent(nodeId)}`, { callId: call.callId, ...body, ...(comment ? { comment } : {}) }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [base] }),
    onError: (err) => setProblem(err instanceof ApiError && err.body ? `${err.body.code}: ${err.body.message}` : String(err)),
  });
  const approve = () => {
    setProblem(null);
    if (!editing) return decide.mutate({ approved: true });
    try {
      decide.mutate({ approved: true, args: JSON.parse(text) });
    } catch (err) {
      setProblem(`Not JSON: ${(err as Error).message}`);
    }
  };
  return (
    <fieldset className="approval waiting-call" data-call-id={call.callId}>
      <legend>
        Call <code>{call.tool}</code> waits for approval
      </legend>
      <p className="muted small">
        {call.callId} · turn {call.turn}
        {call.scope ? ` · sub-agent ${call.scope}` : ''} · since {when(call.requestedAt)}
      </p>
      {editing ? (
        <label>
          Arguments (JSON)
          <textarea rows={6} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} aria-label={`Arguments of ${call.callId}`} />
        </label>
      ) : (
        <pre className="json">{pretty(call.args)}</pre>
      )}
      {operator && (
        <>
          <label>
            Comment
            <input value={comment} onChange={(e) => setComment(e.target.value)} />
          </label>
          <div className="action-row">
            <button type="button" onClick={approve} disabled={decide.isPending}>
              Approve
            </button>
            <button type="button" className="danger" onClick={() => decide.mutate({ approved: false })} disabled={decide.isPending}>
              Reject
            </button>
            <button type="button" onClick={() => setEditing(!editing)} aria-pressed={editing} disabled={decide.isPending}>
              Edit arguments
            </button>
          </div>
        </>
      )}
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
    </fieldset>
  );
}

/** An agent node's tool calls that wait for a person (its record's `pendingToolCalls`, weft-agents 3.2). */
export function WaitingCalls({ runId, nodeId, calls, operator }: { runId: string; nodeId: string; calls: PendingCall[]; operator: boolean }) {
  if (calls.length === 0) return null;
  return (
    <div className="waiting-calls" role="group" aria-label="Tool calls waiting for approval">
      {calls.map((c) => (
        <WaitingCall key={c.callId} runId={runId} nodeId={nodeId} call={c} operator={operator} />
      ))}
    </div>
  );
}
