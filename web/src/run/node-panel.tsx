import { useQuery } from '@tanstack/react-query';
import type { ConversationTurn, NodeDetail, Run } from '../api/types';
import { useCan, useSession } from '../auth/session';
import { StatusBadge } from '../components/status-badge';
import { between, duration, pretty, usd, when } from '../format';
import { AgentConversation } from './agent-conversation';
import { AttemptDetail } from './conversation';
import type { LiveAgent } from './use-live-run';
import { useRunAction } from './use-run-action';
import { WaitingCalls } from './waiting-calls';

/**
 * One node of a run: its definition (what it was given), output, error and
 * every attempt with the agent conversation, tokens, cost and latency; for an
 * agent loop, its conversation as it happens and the calls waiting for approval.
 * Refetched whenever the live run shows the node changed.
 */
export function NodePanel({ run, nodeId, spec, agent, onClose }: { run: Run; nodeId: string; spec: unknown; agent?: LiveAgent | undefined; onClose: () => void }) {
  const { client } = useSession();
  const operator = useCan('operator');
  const record = run.nodes[nodeId];
  const path = `/runs/${encodeURIComponent(run.id)}/nodes/${encodeURIComponent(nodeId)}`;
  // Read again when the node changes, and for an agent loop when a turn or call moves (its conversation and waiting calls).
  // While the node waits, and after a read that failed (a busy worker let the run's live query time out), it is read
  // every 2 s too: a waiting node may not change for a long time, and a change the stream showed may be read before
  // the run's live state has it.
  const waits = record?.status === 'waiting' && run.endedAt === null;
  const node = useQuery({
    queryKey: [path, record?.status, record?.attempts, agent?.seen ?? 0],
    queryFn: () => client.get<NodeDetail>(path),
    placeholderData: (previous) => previous,
    refetchInterval: (query) => (query.state.status === 'error' || waits ? 2_000 : false),
  });
  const conversation = node.data?.conversation as ConversationTurn[] | undefined;
  const rerun = useRunAction(run.id);
  const ended = run.endedAt !== null;
  return (
    <aside className="panel" aria-label={`Node ${nodeId}`}>
      <div className="panel-head">
        <h2>{nodeId}</h2>
        {record && <StatusBadge status={record.status} />}
        <button type="button" className="ghost" onClick={onClose} aria-label="Close node panel">
          ✕
        </button>
      </div>
      {record && (
        <p className="muted small">
          {record.attempts} attempt{record.attempts === 1 ? '' : 's'} · {duration(between(record.startedAt, record.endedAt))} · {usd(record.costUsd)}
          {record.reused && ` · reused from ${record.reusedFrom}`}
          {record.skippedReason && ` · skipped (${record.skippedReason})`}
        </p>
      )}
      {operator && ended && (
        <button type="button" onClick={() => rerun.mutate({ kind: 'rerun', from: nodeId })} disabled={rerun.isPending}>
          Re-run from this node
        </button>
      )}
      {rerun.error && <p role="alert" className="error">{String(rerun.error)}</p>}
      {record?.error && (
        <div className="error-box" role="alert">
          <strong>{record.error.type}</strong> {record.error.message}
        </div>
      )}
      {node.data?.pendingToolCalls && !ended && <WaitingCalls runId={run.id} nodeId={nodeId} calls={node.data.pendingToolCalls} operator={operator} />}
      {(conversation || agent) && (
        <>
          <h3>Conversation</h3>
          <AgentConversation turns={conversation ?? []} live={agent} />
        </>
      )}
      <details open={!conversation && !agent}>
        <summary>Input (the node's definition)</summary>
        <pre className="json">{pretty(spec)}</pre>
      </details>
      <details open={!conversation && !agent}>
        <summary>Output</summary>
        <pre className="json">{pretty(node.data?.output)}</pre>
      </details>
      <h3>Attempts</h3>
      {node.isLoading && <p className="muted">Loading…</p>}
      {node.data?.attempts.map((a) => (
        <details key={`${a.attempt}-${a.fallback}`} className="attempt" open={node.data.attempts.length <= 3}>
          <summary>
            #{a.attempt}
            {a.fallback !== null && ` fallback ${a.fallback}`} · {a.status} · {duration(between(a.startedAt, a.endedAt))} · {usd(a.costUsd)} · {when(a.startedAt)}
          </summary>
          {a.error !== undefined && a.error !== null && <pre className="json error">{pretty(a.error)}</pre>}
          <AttemptDetail detail={a.detail} />
          {a.output !== undefined && (
            <details>
              <summary>Attempt output</summary>
              <pre className="json">{pretty(a.output)}</pre>
            </details>
          )}
        </details>
      ))}
      {node.data && node.data.attempts.length === 0 && <p className="muted">No attempts recorded (a node that runs inside the workflow, or not started).</p>}
    </aside>
  );
}
