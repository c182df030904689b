/**
 * An agent node with tools (weft-agents 3): the loop of model turns and tool
 * calls, run by the interpreter itself so every turn and every call is a
 * recorded step of the run's history.
 *
 * Invariants:
 * 1. What the loop is (turns, calls, limits, spend, output) is the pure
 *    `AgentLoop`; this file only wires it to activities, child runs and
 *    decisions.
 * 2. A turn is one `agentTurn` activity. The conversation lives in the
 *    database, keyed by run, node and scope; a turn's input carries only the
 *    previous calls' results (each cut at 64 KB), so history grows with the
 *    conversation, never with its square.
 * 3. Every call of one answer settles before the next turn starts; calls run
 *    concurrently within the run's `maxParallel`. A completed turn or call is
 *    in history and never runs again; one in flight at a crash runs again
 *    with the same idempotency key, `<runId>/<nodeId>/<scope><callId>`.
 * 4. A call that needs approval waits on the run's decisions under
 *    `<nodeId>/<scope><callId>`; the node shows every waiting call, its
 *    sub-agents' included, in `pendingToolCalls`.
 * 5. A paused run starts no new turn; running calls finish. Cancellation
 *    reaches turns and calls through the node's cancellation scope.
 * 6. `fallback` entries replace the model for the turns after the primary's
 *    attempts are spent; the node's attempts count every model call.
 */
import { condition } from '@temporalio/workflow';
import type { AgentEventInit, TurnEventInit } from '../../dag/agent-events.js';
import { AgentLoop, type LoopEnd, type ToolCallRecord } from '../../dag/agent-loop.js';
import { mcpTools, selectTools, toolDefinition, type ToolRef } from '../../dag/agent-tools.js';
import { toolResultText, type ToolDefinition } from '../../dag/conversation.js';
import { resolveTemplatesDeferringSecrets } from '../../dag/expressions.js';
import { parseDuration } from '../../dag/duration.js';
import { FailureType } from '../../dag/failure-types.js';
import { failed, succeeded, type NodeOutcome } from '../../dag/outcome.js';
import { retryPolicy, type PlanNodeOf } from '../../dag/plan.js';
import { AGENT_LOOP_LIMITS } from '../../dag/agent-limits.js';
import type { AgentConfig } from '../../dag/schema.js';
import type { AgentTurnResult, ResolvedAgentConfig } from '../../activities/contract.js';
import type { DeferredTemplate } from '../../dag/expressions.js';
import { describeFailure, errorOf } from '../failures.js';
import { resolveAgentConfig } from './agent-config.js';
import type { RunContext } from './executor.js';
import { activityProxy } from './node-activities.js';
import { runToolCall, type LoopPlace, type ToolCallContext } from './tool-call.js';

/** A tool output in the node's output is kept whole up to this size; beyond it a marker stands in (the conversation keeps what the model read). */
const OUTPUT_INLINE_BYTES = 16 * 1024;

/** `agent` with tools: the node's loop (weft-agents 3.1). */
export function agentLoop(node: PlanNodeOf<'agent'>, bindings: object, run: RunContext): Promise<NodeOutcome> {
  const { spec } = node;
  const configs = [spec.agent, ...(spec.fallback ?? []).map((entry) => ({ ...spec.agent, ...entry }))];
  return runLoop(node, bindings, run, configs, { scope: '', depth: 0, pending: new Map(), remainingUsd: () => run.remainingBudgetUsd() });
}

/** Runs one loop, the node's or a sub-agent's, to its outcome. */
export async function runLoop(node: PlanNodeOf<'agent'>, bindings: object, run: RunContext, configs: AgentConfig[], place: LoopPlace): Promise<NodeOutcome> {
  const primary = configs[0]!;
  let attempts = 0;
  let active = 0;
  let resolved: { config: ResolvedAgentConfig; deferred: DeferredTemplate[] };
  let tools: { refs: Map<string, ToolRef>; definitions: ToolDefinition[] };
  try {
    resolved = configFor(primary, bindings, run, place);
    tools = await listTools(node, bindings, run, primary.tools ?? []);
  } catch (err) {
    // A template that throws, or an MCP server whose listing failed (MCP_UNAVAILABLE).
    const failure = describeFailure(err, 1);
    if (failure.cancelled) throw err;
    return failed(failure.error, { attempts: 1 });
  }
  const loop = new AgentLoop({
    maxTurns: primary.maxTurns ?? AGENT_LOOP_LIMITS.defaultMaxTurns,
    maxToolCalls: primary.maxToolCalls ?? AGENT_LOOP_LIMITS.defaultMaxToolCalls,
    budgetUsd: primary.budgetUsd,
    onLimit: primary.onLimit ?? 'fail',
  });
  const conversation = { runId: run.runId, nodeId: node.id, scope: place.scope };
  let last: AgentTurnResult | undefined;
  // Every event names the loop's current turn: calls settle before the next one starts (invariant 3).
  const report = (event: TurnEventInit) => run.agentEvent(node.id, { scope: place.scope, turn: loop.turns, ...event } as AgentEventInit);
  const calls: ToolCallContext = { node, bindings, run, place, loop, tools: tools.refs, subLoop: runLoop, report };
  for (;;) {
    // Pause lets running calls finish and starts no new turn (invariant 5).
    if (run.paused()) await condition(() => !run.paused());
    const step = loop.next(place.remainingUsd());
    if (step.kind === 'end') return ended(step.end, loop, last, attempts, active);
    // Unreachable while every call of an answer settles before the loop asks again (invariant 3); failing the node beats failing the workflow task.
    if (step.kind === 'calls') return failed({ type: FailureType.Internal, message: 'a turn was asked for while calls ran' }, { attempts, costUsd: loop.costUsd });
    const results = step.results.map((r) => ({ ...r, value: toolResultText(r.value) }));
    report({ kind: 'turn_started' });
    for (;;) {
      try {
        last = await activityProxy({ summary: `agent ${node.id} turn ${step.turn}`, timeoutMs: node.timeoutMs, retry: node.retry }).agentTurn({
          nodeId: node.id,
          workflow: run.definition.name,
          deferred: resolved.deferred,
          conversation,
          turn: step.turn,
          attemptOffset: attempts,
          fallback: active === 0 ? null : active - 1,
          config: resolved.config,
          ...(step.turn === 1 ? { tools: tools.definitions } : {}),
          results,
          ...(step.feedback === undefined ? {} : { feedback: step.feedback }),
          upstream: node.needs.length,
        });
        attempts += last.attempt;
        break;
      } catch (err) {
        const failure = describeFailure(err, node.retry.maxAttempts);
        attempts += failure.attempts;
        if (failure.cancelled) throw err;
        if (active + 1 >= configs.length) return failed(failure.error, { attempts, costUsd: loop.costUsd });
        active += 1;
        // The fallback's first attempt: text the failed one streamed for this turn is void.
        report({ kind: 'turn_retry', attempt: attempts + 1 });
        try {
          resolved = configFor(configs[active]!, bindings, run, place);
        } catch (resolveErr) {
          return failed(errorOf(resolveErr), { attempts, costUsd: loop.costUsd });
        }
      }
    }
    const toRun = loop.answered(last.summary);
    const { usage, costUsd, text } = last.summary;
    report({ kind: 'turn_ended', usage, costUsd, text });
    reportCalls(loop.callsOf(step.turn), tools.refs, place.scope, report);
    await inTurns(toRun.map((call) => () => runToolCall(calls, call)), run.maxParallel);
  }
}

/** The calls an answer made: each asked for, and those that never run (unknown tool, invalid arguments) settled at once. */
function reportCalls(calls: ToolCallRecord[], refs: ReadonlyMap<string, ToolRef>, scope: string, report: (event: TurnEventInit) => void): void {
  for (const call of calls) {
    const callId = `${scope}${call.id}`;
    report({ kind: 'tool_call', callId, tool: call.tool, args: call.args });
    if (call.status === 'unknown' || call.status === 'invalid') {
      report({ kind: 'tool_result', callId, tool: call.tool, toolKind: refs.get(call.tool)?.kind ?? null, status: call.status, durationMs: 0 });
    }
  }
}

/** A config resolved for this loop: a sub-agent's prompt as its call resolved it. */
function configFor(raw: AgentConfig, bindings: object, run: RunContext, place: LoopPlace): { config: ResolvedAgentConfig; deferred: DeferredTemplate[] } {
  const resolved = resolveAgentConfig(raw, bindings, run);
  if (place.prompt !== undefined) resolved.config.prompt = place.prompt;
  return resolved;
}

/** The tools the model is told of: the definition's, then each MCP server's, listed once when the loop starts. */
async function listTools(node: PlanNodeOf<'agent'>, bindings: object, run: RunContext, names: readonly string[]): Promise<{ refs: Map<string, ToolRef>; definitions: ToolDefinition[] }> {
  const { defined, mcp } = selectTools(run.definition, names);
  const refs = new Map<string, ToolRef>(defined.map((r) => [r.name, r]));
  const definitions = defined.map(toolDefinition);
  for (const selection of mcp) {
    const spec = run.definition.mcp![selection.server]!;
    const { url, headers, command, env } = spec;
    const server = resolveTemplatesDeferringSecrets({ url, headers, command, env }, bindings);
    const listing = activityProxy({ summary: `mcp ${selection.server} tools/list`, timeoutMs: spec.timeout ? parseDuration(spec.timeout) : node.timeoutMs, retry: retryPolicy(spec.retry) });
    const listed = await listing.listMcpTools({ nodeId: node.id, workflow: run.definition.name, deferred: server.deferred, part: 'tool', server: { name: selection.server, ...(server.value as object) } });
    const taken = mcpTools(selection, spec, listed.output);
    for (const ref of taken.refs) refs.set(ref.name, ref);
    definitions.push(...taken.definitions);
  }
  return { refs, definitions };
}

/** Runs tasks with at most `limit` at once, each started in order. */
async function inTurns(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
}

/** The node's outcome from how the loop ended (weft-agents 3.5). */
function ended(end: LoopEnd, loop: AgentLoop, last: AgentTurnResult | undefined, attempts: number, active: number): NodeOutcome {
  const costUsd = loop.costUsd;
  if (end.kind === 'failed') return failed(end.error, { attempts: Math.max(attempts, 1), costUsd });
  const output = loop.output(end.stopReason);
  return succeeded(
    { ...output, toolCalls: output.toolCalls.map(inlineOutput), provider: last?.provider ?? null, model: last?.summary.model ?? null },
    { attempts, costUsd, fallback: active === 0 ? null : active - 1 },
  );
}

/** A call's output as the node's output keeps it: whole up to OUTPUT_INLINE_BYTES, else a marker of its size. */
function inlineOutput(call: ToolCallRecord): ToolCallRecord {
  if (call.output === undefined) return call;
  const bytes = new TextEncoder().encode(JSON.stringify(call.output) ?? '').length;
  return bytes <= OUTPUT_INLINE_BYTES ? call : { ...call, output: { truncated: true, bytes } };
}
