import { pretty } from '../format';

interface AgentDetail {
  system?: string | null;
  prompt?: string;
  feedback?: string | null;
  response?: string;
  model?: string | null;
  usage?: { inputTokens?: number; outputTokens?: number };
  latencyMs?: number;
  warnings?: string[];
}

/** An attempt's detail: an agent's conversation as messages (system, user, feedback, assistant), anything else as JSON. */
export function AttemptDetail({ detail }: { detail: unknown }) {
  if (!detail || typeof detail !== 'object') return null;
  const d = detail as AgentDetail;
  if (typeof d.prompt !== 'string') return <pre className="json">{pretty(detail)}</pre>;
  return (
    <div className="conversation">
      {d.system && <Message role="system" text={d.system} />}
      <Message role="user" text={d.prompt} />
      {d.feedback && <Message role="feedback" text={d.feedback} />}
      {d.response !== undefined && <Message role="assistant" text={d.response} />}
      <p className="muted small">
        {d.model ?? 'no model'}
        {d.usage && ` · ${d.usage.inputTokens ?? 0} in / ${d.usage.outputTokens ?? 0} out tokens`}
        {d.latencyMs !== undefined && ` · ${d.latencyMs} ms`}
      </p>
      {d.warnings?.map((w) => (
        <p key={w} className="warn small">
          {w}
        </p>
      ))}
    </div>
  );
}

function Message({ role, text }: { role: string; text: string }) {
  return (
    <div className={`msg msg-${role}`}>
      <span className="msg-role">{role}</span>
      <pre>{text}</pre>
    </div>
  );
}
