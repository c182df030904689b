import { type Command, Option } from 'commander';
import { runStatuses } from '../../dag/run-state.js';
import type { ApiClient, NodeDetailWire, RunWire } from '../api-client.js';
import { usageError } from '../cli-error.js';
import { exitCodeOfRun } from '../exit-codes.js';
import { elapsed, formatCost } from '../format.js';
import { listing, print } from '../output.js';
import { waitForRunEnd } from '../wait.js';
import { renderSummary } from '../watch/render.js';
import { stateOfRun } from '../watch/state.js';
import type { ConversationTurn } from '../../api/conversation-view.js';
import { conversationMarkdown } from '../conversation-markdown.js';
import { apiAction, type JsonOption } from './client-command.js';

interface ListOptions extends JsonOption {
  workflow?: string;
  status?: string;
  limit?: string;
}

/** A run as a person reads it: its line, then the node table. */
function describeRun(run: RunWire): string {
  const error = run.error ? `\n${run.error.code}: ${run.error.message}` : '';
  return `run ${run.id} of ${run.workflow}${run.version ? ` v${run.version}` : ''}: ${run.status}${error}\n\n${renderSummary(stateOfRun(run), Date.now())}`;
}

async function list(client: ApiClient, options: ListOptions): Promise<void> {
  const limit = options.limit === undefined ? undefined : Number(options.limit);
  if (limit !== undefined && !Number.isInteger(limit)) throw usageError('--limit is a whole number');
  const runs = await client.listRuns({ workflow: options.workflow, status: options.status, limit });
  print(runs, options.json, (r) =>
    listing(r.items, ['ID', 'WORKFLOW', 'STATUS', 'PRIORITY', 'STARTED', 'DURATION', 'COST'], (x) => [x.id, x.workflow, x.status, String(x.priority), x.startedAt, elapsed(x.startedAt, x.endedAt, Date.now()), formatCost(x.costUsd)], 'no runs'),
  );
}

async function wait(client: ApiClient, id: string, options: JsonOption): Promise<number> {
  const run = await waitForRunEnd(client, id);
  print(run, options.json, describeRun);
  return exitCodeOfRun(run.status);
}

interface ApproveOptions extends JsonOption {
  call?: string;
  reject?: boolean;
  comment?: string;
  args?: string;
}

/** `approve`: a decision on an approval node, or on one waiting tool call (weft-agents 3.2). */
async function approve(client: ApiClient, id: string, node: string, options: ApproveOptions): Promise<void> {
  if (options.args !== undefined && (options.call === undefined || options.reject)) throw usageError('--args goes with --call, when approving');
  let args: unknown;
  if (options.args !== undefined) {
    try {
      args = JSON.parse(options.args);
    } catch (err) {
      throw usageError(`--args is not JSON: ${(err as Error).message}`);
    }
  }
  const body = { approved: !options.reject, ...(options.comment ? { comment: options.comment } : {}), ...(options.call ? { callId: options.call } : {}), ...(args === undefined ? {} : { args }) };
  const decision = await client.approve(id, node, body);
  const what = options.call ? `${node} call ${options.call}` : node;
  print(decision, options.json, (d) => `${what}: ${d.approved ? 'approved' : 'rejected'}${d.by ? ` by ${d.by}` : ''}`);
}

/** `logs`: every attempt of each node (or of one), with its error and output. */
async function logs(client: ApiClient, id: string, node: string | undefined, options: JsonOption): Promise<void> {
  const ids = node ? [node] : Object.keys((await client.getRun(id)).nodes);
  const details = await Promise.all(ids.map((n) => client.node(id, n)));
  print(details, options.json, (all) => all.map(nodeLog).join('\n\n'));
}

function nodeLog(node: NodeDetailWire): string {
  const lines = [`== ${node.id}: ${node.status}`];
  for (const a of node.attempts) {
    lines.push(`attempt ${a.attempt}${a.fallback ? ` (fallback ${a.fallback})` : ''}: ${a.status}  ${elapsed(a.startedAt, a.endedAt, Date.now())}  ${formatCost(a.costUsd)}`.trimEnd());
    if (a.error !== undefined && a.error !== null) lines.push(`  error: ${JSON.stringify(a.error)}`);
    if (a.output !== undefined) lines.push(`  output: ${JSON.stringify(a.output)}`);
  }
  return lines.join('\n');
}

/** Registers `weft runs …` (contract weft-ops §10). */
export function registerRuns(program: Command): void {
  const runs = program.command('runs').description('list, read, wait for and act on runs');
  runs
    .command('ls')
    .description('list runs, newest first')
    .option('--workflow <name>', 'only this workflow')
    .addOption(new Option('--status <status>', 'only runs in this state').choices(runStatuses))
    .option('--limit <n>', 'at most this many (1-200)')
    .option('--json', 'machine output')
    .action(apiAction(list));
  runs
    .command('get')
    .description('a run with its nodes')
    .argument('<id>')
    .option('--json', 'machine output')
    .action(apiAction(async (client, id: string, options: JsonOption) => print(await client.getRun(id), options.json, describeRun)));
  runs
    .command('wait')
    .description('wait for a run to end; exit with its outcome (0 succeeded, 1 failed, 3 cancelled, 4 timed out)')
    .argument('<id>')
    .option('--json', 'machine output')
    .action(apiAction(wait));
  for (const action of ['cancel', 'pause', 'resume'] as const) {
    runs
      .command(action)
      .description(`${action} a run`)
      .argument('<id>')
      .option('--json', 'machine output')
      .action(apiAction(async (client, id: string, options: JsonOption) => print(await client.runAction(id, action), options.json, (r) => `run ${r.id}: ${action} requested (${r.status})`)));
  }
  runs
    .command('approve')
    .description("approve (or with --reject, reject) a waiting approval node, or with --call one of an agent node's waiting tool calls")
    .argument('<id>')
    .argument('<node>')
    .option('--call <callId>', "a waiting tool call of an agent node (its record's pendingToolCalls)")
    .option('--reject', 'reject instead of approving')
    .option('--comment <text>', 'a comment kept with the decision')
    .option('--args <json>', 'with --call: run the call with these arguments instead (JSON, checked against the tool)')
    .option('--json', 'machine output')
    .action(apiAction(approve));
  runs
    .command('rerun')
    .description('run an ended run again from its failed nodes, or from a node; succeeded nodes keep their output')
    .argument('<id>')
    .option('--from <node>', 'run again from this node (default: the failed ones)')
    .option('--json', 'machine output')
    .action(
      apiAction(async (client, id: string, options: JsonOption & { from?: string }) => {
        const started = await client.rerun(id, options.from);
        print(started, options.json, (s) => `started run ${s.id} (re-run of ${s.rerunOf})`);
      }),
    );
  runs
    .command('conversation')
    .description("an agent node's conversation as Markdown: each turn's text, thinking, tool calls and results, tokens, cost and latency")
    .argument('<id>')
    .argument('<node>')
    .option('--json', 'machine output (the conversation as the API gives it)')
    .action(
      apiAction(async (client, id: string, node: string, options: JsonOption) => {
        const detail = await client.node(id, node);
        const turns = (detail.conversation ?? []) as ConversationTurn[];
        print(turns, options.json, (t) => conversationMarkdown(id, node, t).trimEnd());
      }),
    );
  runs
    .command('logs')
    .description("every attempt of a run's nodes (or of one node): status, duration, cost, error, output")
    .argument('<id>')
    .argument('[node]')
    .option('--json', 'machine output')
    .action(apiAction(logs));
}
