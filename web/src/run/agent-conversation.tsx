import type { ConversationTurn } from '../api/types';
import { duration, pretty, usd } from '../format';
import type { LiveAgent } from './use-live-run';

type Block = ConversationTurn['content'][number];

/** A tool result is JSON text (an MCP tool's text as it is): shown indented when it parses. */
function resultText(content: string): string {
  try {
    return pretty(JSON.parse(content));
  } catch {
    return content;
  }
}

function BlockView({ block, depth }: { block: Block; depth: number }) {
  switch (block.type) {
    case 'text':
      return (
        <div className="msg msg-assistant">
          <span className="msg-role">assistant</span>
          <pre>{block.text}</pre>
        </div>
      );
    case 'thinking':
      return (
        <details className="thinking">
          <summary>Thinking</summary>
          <pre>{block.redacted === undefined ? block.thinking : '(redacted by the provider)'}</pre>
        </details>
      );
    case 'tool_call':
      return (
        <div className="tool-call" data-call-id={block.callId}>
          <span className="msg-role">tool call</span> <code>{block.tool}</code> <span className="muted small">{block.callId}</span>
          <pre className="json">{pretty(block.args)}</pre>
        </div>
      );
    case 'tool_result':
      return (
        <div className={`tool-result${block.isError ? ' error' : ''}`} data-call-id={block.callId}>
          <span className="msg-role">{block.isError ? 'tool error' : 'tool result'}</span> <span className="muted small">{block.callId}</span>
          <pre className="json">{resultText(block.content)}</pre>
          {block.conversation && (
            <details className="sub-agent" open={depth === 0}>
              <summary>Sub-agent's conversation ({block.conversation.length} turns)</summary>
              <Turns turns={block.conversation} depth={depth + 1} />
            </details>
          )}
        </div>
      );
  }
}

function Turns({ turns, depth }: { turns: ConversationTurn[]; depth: number }) {
  return (
    <>
      {turns.map((t) => (
        <section key={t.turn} className="turn" aria-label={`Turn ${t.turn}`}>
          <h4>
            Turn {t.turn}{' '}
            <span className="muted small">
              {t.model ?? t.provider} · {t.usage.inputTokens} in / {t.usage.outputTokens} out tokens · {usd(t.costUsd)} · {duration(t.latencyMs)}
            </span>
          </h4>
          {t.content.map((b, i) => (
            <BlockView key={i} block={b} depth={depth} />
          ))}
        </section>
      ))}
    </>
  );
}

/**
 * An agent loop's conversation as it happens (weft-agents 6): the stored turns
 * (text, thinking collapsed, each call's arguments and result as JSON, tokens,
 * cost and latency), then the node's own turns still streaming, their text as
 * it comes.
 */
export function AgentConversation({ turns, live }: { turns: ConversationTurn[]; live: LiveAgent | undefined }) {
  const stored = new Set(turns.map((t) => t.turn));
  const streams = Object.values(live?.streaming ?? {}).filter((s) => s.scope === '' && !stored.has(s.turn));
  // A turn that started and has streamed nothing yet shows too: the model is working on it.
  const current = live?.progress.turn ?? 0;
  if (current > 0 && !stored.has(current) && !streams.some((s) => s.turn === current)) streams.push({ scope: '', turn: current, attempt: 0, text: '' });
  const streaming = streams.sort((a, b) => a.turn - b.turn);
  return (
    <div className="conversation agent-conversation" aria-label="Conversation">
      <Turns turns={turns} depth={0} />
      {streaming.map((s) => (
        <section key={s.turn} className="turn streaming" aria-label={`Turn ${s.turn}`} aria-live="polite">
          <h4>
            Turn {s.turn} <span className="muted small">streaming…</span>
          </h4>
          <div className="msg msg-assistant">
            <span className="msg-role">assistant</span>
            <pre data-streaming-turn={s.turn}>{s.text}</pre>
          </div>
        </section>
      ))}
      {turns.length === 0 && streaming.length === 0 && <p className="muted">No turn yet.</p>}
    </div>
  );
}
