import type { AgentEventData } from './agent-events.js';

/** Where an agent loop is, as its `agent` events tell (the live view under the node, the dashboard's graph node). */
export interface AgentProgress {
  /** The node's own loop's turn (sub-agents' turns are their own). */
  turn: number;
  /** Tool calls asked for so far, sub-agents' included. */
  toolCalls: number;
  /** Calls running now: callId → tool. */
  running: Record<string, string>;
  /** Calls waiting for a decision now: callId → tool. */
  waiting: Record<string, string>;
}

/** Before any event. */
export const noAgentProgress = (): AgentProgress => ({ turn: 0, toolCalls: 0, running: {}, waiting: {} });

/** The progress after one `agent` event; streamed text and turn ends change nothing shown. */
export function applyAgentEvent(before: AgentProgress | undefined, event: AgentEventData): AgentProgress {
  const p: AgentProgress = before ? { ...before, running: { ...before.running }, waiting: { ...before.waiting } } : noAgentProgress();
  switch (event.kind) {
    case 'turn_started':
      if (event.scope === '') p.turn = Math.max(p.turn, event.turn);
      break;
    case 'tool_call':
      p.toolCalls += 1;
      p.running[event.callId] = event.tool;
      break;
    case 'approval_needed':
      delete p.running[event.callId];
      p.waiting[event.callId] = event.tool;
      break;
    case 'tool_result':
      delete p.running[event.callId];
      delete p.waiting[event.callId];
      break;
    default:
      return before ?? p;
  }
  return p;
}

/** A short line of it: `turn 2 · 3 tool calls · calling search, fetch · waiting for approval: publish`. */
export function describeAgentProgress(p: AgentProgress): string {
  const parts = [`turn ${p.turn}`, `${p.toolCalls} tool call${p.toolCalls === 1 ? '' : 's'}`];
  const running = [...new Set(Object.values(p.running))];
  const waiting = [...new Set(Object.values(p.waiting))];
  if (running.length > 0) parts.push(`calling ${running.join(', ')}`);
  if (waiting.length > 0) parts.push(`waiting for approval: ${waiting.join(', ')}`);
  return parts.join(' · ');
}
