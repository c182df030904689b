import type { ConversationTurn } from '../api/conversation-view.js';
import { formatCost } from './format.js';

/**
 * An agent node's conversation (`GET /runs/{id}/nodes/{nodeId}` `conversation`)
 * as Markdown: a heading a turn with its model, tokens, cost and latency, the
 * model's text as it wrote it, thinking quoted, each call's arguments and each
 * result as fenced JSON, and a sub-agent's conversation under its call's result
 * one heading level down.
 */
export function conversationMarkdown(runId: string, nodeId: string, turns: readonly ConversationTurn[]): string {
  if (turns.length === 0) return `# ${nodeId} (run ${runId})\n\nNo conversation: not an agent loop with tools, or no turn yet.\n`;
  return `# ${nodeId} (run ${runId})\n\n${turnsMarkdown(turns, 2, '')}`;
}

function turnsMarkdown(turns: readonly ConversationTurn[], level: number, scope: string): string {
  const out: string[] = [];
  for (const t of turns) {
    const figures = [t.model ?? t.provider, `${t.usage.inputTokens} in / ${t.usage.outputTokens} out tokens`, formatCost(t.costUsd), `${(t.latencyMs / 1000).toFixed(1)} s`].filter(Boolean);
    out.push(`${'#'.repeat(level)} ${scope}Turn ${t.turn}\n\n_${figures.join(' · ')}_\n`);
    for (const block of t.content) {
      if (block.type === 'text') out.push(`${block.text}\n`);
      else if (block.type === 'thinking') out.push(`${quote(`**Thinking**\n\n${block.redacted === undefined ? block.thinking : '(redacted)'}`)}\n`);
      else if (block.type === 'tool_call') out.push(`**Tool call** \`${block.tool}\` (\`${block.callId}\`)\n\n${fenced(JSON.stringify(block.args, null, 2))}`);
      else {
        out.push(`**Result** of \`${block.callId}\`${block.isError ? ' (error)' : ''}\n\n${fenced(pretty(block.content))}`);
        if (block.conversation) out.push(turnsMarkdown(block.conversation, Math.min(level + 1, 6), `Sub-agent of ${block.callId}: `));
      }
    }
  }
  return out.join('\n');
}

/** A tool result is JSON text (an MCP tool's text as it is): indented when it parses. */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A fenced block whose fence no line of the text can close. */
function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}json\n${text}\n${fence}\n`;
}

const quote = (text: string) =>
  text
    .split('\n')
    .map((line) => (line ? `> ${line}` : '>'))
    .join('\n');
