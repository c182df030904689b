import { agentEvent } from '../../dag/run-events.js';
import type { CallResult, CheckedCall, TurnSummary } from '../../dag/agent-loop.js';
import { textOf, toolCallsOf, toolResultText, type ContentBlock, type ConversationMessage, type ToolDefinition } from '../../dag/conversation.js';
import { FailureType } from '../../dag/failure-types.js';
import type { AgentConversationsRepo } from '../../db/agent-conversations-repo.js';
import type { RunEventsRepo } from '../../db/run-events-repo.js';
import { agentTurns } from '../../metrics/registry.js';
import { schemaViolations } from '../../json-schema/validator.js';
import { runAttempt, type AttemptDeps } from '../attempt.js';
import type { AgentTurnInput, AgentTurnResult } from '../contract.js';
import { activityFailure } from '../failures.js';
import { jsonProblem, parseJsonText } from './agent-activity.js';
import { chooseModel, priceCall, type ModelDeps } from './model-choice.js';
import { buildMessages } from './provider.js';
import type { TextStreams } from './text-stream.js';

export interface TurnActivityDeps extends ModelDeps {
  conversations: Pick<AgentConversationsRepo, 'keepTools' | 'tools' | 'put' | 'messages'>;
  envelope: AttemptDeps;
  /** Where `turn_retry` events go; without it none are stored. */
  events?: Pick<RunEventsRepo, 'append'>;
  /** Where streamed text goes; without it the model is asked without streaming. */
  text?: TextStreams;
}

/**
 * Builds `agentTurn`: one model call of an agent loop. The conversation lives
 * in the database (messages numbered 0 prompt, 2t-1 turn t's answer, 2t what
 * the model read after it), so the workflow hands each turn only what is new:
 * the previous calls' results. The activity writes them, reads the whole
 * conversation, asks the model, checks each call against the node's tools
 * (unknown name, arguments against `parameters`) and a final JSON answer
 * against `schema`, keeps the answer, and reports a summary. Rewriting a
 * message by its number makes a retried turn harmless. The model's text
 * streams to the run's live clients as it comes (scrubbed; `text-stream.ts`).
 */
export function createTurnActivity(deps: TurnActivityDeps) {
  return function agentTurn(input: AgentTurnInput): Promise<AgentTurnResult> {
    let providerName = '';
    return runAttempt(deps.envelope, {
      nodeType: 'agent',
      // A sub-agent's turns are parts of a call: like the call, they leave no attempt row of the node.
      input: { ...input, part: input.conversation.scope === '' ? 'turn' : 'tool' },
      value: input.config,
      attemptOffset: input.attemptOffset,
      fallback: input.fallback,
      prepare: async (ctx) => {
        const { apiKey, ...config } = ctx.value;
        const { provider, pick } = chooseModel(deps, config, input.upstream ?? 0);
        providerName = provider.name;
        if (!provider.turn) throw activityFailure({ type: FailureType.ConfigInvalid, message: `provider ${provider.name} cannot call tools`, nonRetryable: true });
        const ref = input.conversation;
        const tools = await toolsOf(deps, input);
        await deps.conversations.put(ref, 2 * (input.turn - 1), input.turn === 1 ? prompt(config.prompt) : readBack(input.results, input.feedback));
        const messages = (await deps.conversations.messages(ref, 2 * input.turn - 1)).map((m) => m.message);
        const { system } = buildMessages({ config, model: pick.model });
        const detail: Record<string, unknown> = { turn: input.turn, model: pick.model ?? null, messages: messages.length, tools: tools.length };
        const place = { runId: ctx.runId, nodeId: input.nodeId, scope: ref.scope, turn: input.turn, attempt: (input.attemptOffset ?? 0) + ctx.attempt };
        // A retry of the turn: clients drop the text the failed attempt streamed (a fallback's first attempt is reported by the loop).
        if (ctx.attempt > 1) await deps.events?.append(ctx.runId, input.workflow ?? '', [agentEvent({ ...place, kind: 'turn_retry' })]);
        return {
          detail,
          async run() {
            const startedAt = new Date();
            const stream = deps.text?.open(place, ctx.scrubStream());
            let out;
            try {
              out = await provider.turn!({ config, model: pick.model, apiKey, system, messages, tools, turn: input.turn, onText: stream?.write }, ctx);
            } finally {
              await stream?.close();
            }
            const latencyMs = Date.now() - startedAt.getTime();
            const model = out.model ?? pick.model ?? null;
            agentTurns.inc({ provider: provider.name, model: model ?? 'unknown' });
            const answer: ConversationMessage = ctx.scrub({ role: 'assistant', content: out.content });
            const { costUsd, warnings } = priceCall(deps, provider.name, model, out.usage, out.costUsd);
            const summary: TurnSummary = { text: textOf(answer), calls: toolCallsOf(answer).map((c) => checkCall(c, tools)), usage: out.usage, costUsd, model, ...finalJson(answer, config) };
            await deps.conversations.put(ref, 2 * input.turn - 1, answer, { turn: input.turn, model, provider: provider.name, startedAt: startedAt.toISOString(), latencyMs, usage: out.usage, costUsd });
            Object.assign(detail, { model, latencyMs, usage: out.usage, calls: summary.calls.length, warnings });
            return { output: summary, costUsd, warnings };
          },
        };
      },
    }).then((result) => ({ summary: result.output, attempt: result.attempt, provider: providerName }));
  };
}

/** The loop's tools: given on the first turn (and kept), read back on every later one. */
async function toolsOf(deps: TurnActivityDeps, input: AgentTurnInput): Promise<ToolDefinition[]> {
  if (input.tools) {
    await deps.conversations.keepTools(input.conversation, input.tools);
    return input.tools;
  }
  const kept = await deps.conversations.tools(input.conversation);
  if (!kept) throw activityFailure({ type: FailureType.Internal, message: `turn ${input.turn}: the conversation's tools are not stored` });
  return kept;
}

const prompt = (text: string): ConversationMessage => ({ role: 'user', content: [{ type: 'text', text }] });

/** What the model reads after its answer: each call's result in order, then the feedback on a refused final answer. */
function readBack(results: CallResult[], feedback: string | undefined): ConversationMessage {
  const content: ContentBlock[] = results.map((r) => ({ type: 'tool_result', callId: r.callId, content: toolResultText(r.value), isError: r.isError }));
  if (feedback !== undefined) content.push({ type: 'text', text: `Your previous answer was rejected: ${feedback}\nAnswer again, correcting that.` });
  return { role: 'user', content };
}

/** A call checked against the node's tools: unknown, invalid arguments, or fine to run. */
function checkCall(call: Extract<ContentBlock, { type: 'tool_call' }>, tools: ToolDefinition[]): CheckedCall {
  const base = { callId: call.callId, tool: call.tool, args: call.args };
  const tool = tools.find((t) => t.name === call.tool);
  if (!tool) return { ...base, check: 'unknown' };
  const violations = schemaViolations(tool.parameters, call.args);
  if (violations.length > 0) return { ...base, check: 'invalid', errors: violations.map((v) => `${v.path} ${v.message}`).join('; ') };
  return { ...base, check: 'ok' };
}

/** A final answer's JSON (`output: json`), or why it was refused. */
function finalJson(answer: ConversationMessage, config: { output?: 'text' | 'json' | undefined; schema?: Record<string, unknown> | undefined }): { json?: unknown; invalidOutput?: string } {
  if (config.output !== 'json' || toolCallsOf(answer).length > 0) return {};
  const value = parseJsonText(textOf(answer));
  const problem = jsonProblem(value, config.schema);
  return problem === undefined ? { json: value } : { invalidOutput: problem };
}
