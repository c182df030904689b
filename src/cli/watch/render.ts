import { isTerminalRun } from '../../dag/run-state.js';
import { elapsed, formatCost, table, truncate } from '../format.js';
import { describeAgentProgress } from '../../dag/agent-progress.js';
import type { WatchedNode, WatchState } from './state.js';

/** How to draw: the terminal's width, the time durations run to, and whether to colour. */
export interface RenderOptions {
  width: number;
  now: number;
  color: boolean;
}

type Status = WatchedNode['status'];

const SYMBOLS: Record<Status, string> = {
  pending: '○',
  running: '◐',
  waiting: '◆',
  succeeded: '✔',
  failed: '✖',
  skipped: '↷',
  cancelled: '⊘',
};

/** ANSI SGR codes by status: green done, red failed, yellow waiting for someone, cyan running. */
const COLOURS: Record<Status, string> = {
  pending: '2',
  running: '36',
  waiting: '33',
  succeeded: '32',
  failed: '31',
  skipped: '2',
  cancelled: '35',
};

const RUN_COLOURS: Record<string, string> = { succeeded: '32', failed: '31', cancelled: '35', timed_out: '31', paused: '33', running: '36' };

const paint = (on: boolean, code: string | undefined, text: string) => (on && code ? `\x1b[${code}m${text}\x1b[0m` : text);

/** The done share of the run's nodes as a bar: `[#####.....] 5/10`. */
export function progressBar(done: number, total: number, width: number): string {
  const cells = Math.max(0, width);
  const filled = total === 0 ? cells : Math.round((done / total) * cells);
  return `[${'#'.repeat(filled)}${'.'.repeat(cells - filled)}] ${done}/${total}`;
}

const isDone = (n: WatchedNode) => n.status !== 'pending' && n.status !== 'running' && n.status !== 'waiting';

/**
 * The live view of a run as lines (a pure function of the state): a header with
 * the run's status, duration and cost, an overall progress bar, then one line a
 * node in plan order with its symbol, attempts, duration, cost and, for map and
 * loop nodes, their children's progress. Every line fits `width`, so redrawing in
 * place never wraps.
 */
export function renderLive(state: WatchState, options: RenderOptions): string[] {
  const { width, now, color } = options;
  const nodes = state.order.map((id) => state.nodes[id]).filter((n): n is WatchedNode => n !== undefined);
  const done = nodes.filter(isDone).length;
  const cost = formatCost(state.costUsd);
  const header = `${state.workflow} · run ${state.runId} · ${state.status} · ${elapsed(state.startedAt, state.endedAt, now)}${cost ? ` · ${cost}` : ''}`;
  const lines = [paint(color, RUN_COLOURS[state.status], truncate(header, width)), truncate(progressBar(done, nodes.length, Math.min(40, width - 12)), width)];
  const idWidth = Math.min(28, Math.max(...nodes.map((n) => n.id.length), 4));
  for (const node of nodes) {
    const symbol = SYMBOLS[node.status];
    const text = truncate(`${symbol} ${node.id.padEnd(idWidth)}  ${nodeDetail(node, now)}`, width);
    lines.push(paint(color, COLOURS[node.status], text));
    const agent = agentLine(node);
    if (agent) lines.push(truncate(`  └ ${agent}`, width));
  }
  if (state.error && isTerminalRun(state.status)) lines.push(truncate(`${state.error.code}: ${state.error.message}`, width));
  return lines;
}

/** One node's figures: status, attempts, duration, cost, children's progress, error. */
function nodeDetail(node: WatchedNode, now: number): string {
  const parts: string[] = [node.status.padEnd(9)];
  if (node.attempts > 1) parts.push(`attempt ${node.attempts}`);
  const took = elapsed(node.startedAt, node.endedAt, now);
  if (took) parts.push(took);
  const cost = formatCost(node.costUsd);
  if (cost) parts.push(cost);
  if (node.progress) parts.push(progressBar(node.progress.done, node.progress.total, 10));
  if (node.reused) parts.push('(reused)');
  // An agent node's waiting calls are named on its line below.
  if (node.status === 'waiting' && !node.agent) parts.push('waiting for approval');
  if (node.error) parts.push(`${node.error.type}: ${node.error.message}`);
  return parts.join('  ');
}

/** Under a running or waiting agent node: its turn and the tools it is calling. */
function agentLine(node: WatchedNode): string | undefined {
  if (!node.agent || (node.status !== 'running' && node.status !== 'waiting')) return undefined;
  return describeAgentProgress(node.agent);
}

/** One plain line for an agent node's turn or call, for logs and pipes. */
export function renderAgentChange(state: WatchState, nodeId: string): string {
  const node = state.nodes[nodeId];
  return node?.agent ? `  ${node.id}  ${describeAgentProgress(node.agent)}` : '';
}

/** One plain line for a changed node, for logs and pipes (no colour, no redraw). */
export function renderNodeChange(state: WatchState, nodeId: string, now: number): string {
  const node = state.nodes[nodeId];
  return node ? `${SYMBOLS[node.status]} ${node.id}  ${nodeDetail(node, now)}`.trimEnd() : '';
}

/** One plain line for the run's state. */
export function renderRunLine(state: WatchState, now: number): string {
  const cost = formatCost(state.costUsd);
  return `run ${state.runId} ${state.status} ${elapsed(state.startedAt, state.endedAt, now)}${cost ? ` ${cost}` : ''}`.trimEnd();
}

/** The end-of-run table: node, status, attempts, duration, cost, then the run's total. */
export function renderSummary(state: WatchState, now: number): string {
  const rows = state.order.map((id) => {
    const n = state.nodes[id]!;
    return [n.id, n.reused ? `${n.status} (reused)` : n.status, String(n.attempts), elapsed(n.startedAt, n.endedAt, now), formatCost(n.costUsd)];
  });
  const total = ['total', state.status, '', elapsed(state.startedAt, state.endedAt, now), formatCost(state.costUsd) || '$0'];
  return table(['NODE', 'STATUS', 'ATTEMPTS', 'DURATION', 'COST'], [...rows, total]);
}
