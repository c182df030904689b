import type { TurnEventInit } from '../../dag/agent-events.js';
import type { AgentLoop, CallSettlement, CheckedCall } from '../../dag/agent-loop.js';
import type { DefinedToolRef, McpToolRef, ToolRef } from '../../dag/agent-tools.js';
import { withProfiles } from '../../dag/agent-profiles.js';
import { parseDuration } from '../../dag/duration.js';
import { evaluateExpression, isTruthy, resolveTemplates, resolveTemplatesDeferringSecrets } from '../../dag/expressions.js';
import { FailureType } from '../../dag/failure-types.js';
import type { NodeOutcome } from '../../dag/outcome.js';
import { DEFAULT_NODE_TIMEOUT_MS, retryPolicy, type PlanNodeOf } from '../../dag/plan.js';
import type { PendingToolCall } from '../../dag/run-state.js';
import type { AgentConfig } from '../../dag/schema.js';
import { parseWorkflowRef } from '../../dag/workflow-ref.js';
import type { WeftActivities } from '../../activities/contract.js';
import { describeFailure, errorOf } from '../failures.js';
import { decisionKey } from '../messages.js';
import { loadWorkflow, runChild } from './child-run.js';
import { asText } from './agent-config.js';
import type { RunContext } from './executor.js';
import { activityProxy, cacheOf } from './node-activities.js';

/** Sub-agents nest at most this deep (weft-agents 2: validation refuses deeper ones). */
const MAX_DEPTH = 3;

/** Where a loop runs: the node's own (scope `''`, depth 0) or a sub-agent's under a call. */
export interface LoopPlace {
  scope: string;
  depth: number;
  /** The node's calls waiting for a decision, every scope's, shown together. */
  pending: Map<string, PendingToolCall>;
  /** What is left to spend from above this loop, before its own spend (undefined: no budget); weft-agents 3.5: budgets include sub-agents. */
  remainingUsd(): number | undefined;
  /**
   * A sub-agent's prompt, resolved by the call that started it: the loop uses
   * it as it is, so arguments the model wrote are never evaluated as a template.
   */
  prompt?: string;
}

/** What running one call needs of its loop. */
export interface ToolCallContext {
  node: PlanNodeOf<'agent'>;
  bindings: object;
  run: RunContext;
  place: LoopPlace;
  loop: AgentLoop;
  tools: ReadonlyMap<string, ToolRef>;
  /** Reports the call on the run's event stream, under the loop's current turn. */
  report(event: TurnEventInit): void;
  /** Runs a sub-agent's loop (passed in, so this file and the loop's do not import each other). */
  subLoop(node: PlanNodeOf<'agent'>, bindings: object, run: RunContext, configs: AgentConfig[], place: LoopPlace): Promise<NodeOutcome>;
}

/**
 * Runs one checked call of a model's answer: waits for a decision when the
 * tool needs one (weft-agents 3.2), then runs it by its kind and settles it in
 * the loop. A tool that fails after its retries settles `failed`; the loop goes on.
 */
export async function runToolCall(ctx: ToolCallContext, call: CheckedCall): Promise<void> {
  const { node, run, place, loop } = ctx;
  const ref = ctx.tools.get(call.tool)!;
  const started = Date.now();
  const callId = `${place.scope}${call.callId}`;
  const scope = { ...ctx.bindings, args: call.args };
  let args = call.args;
  if (needsApproval(ref, scope)) {
    loop.waiting(call.callId);
    place.pending.set(callId, { callId, tool: call.tool, args: call.args, turn: loop.turns, requestedAt: new Date().toISOString(), ...(place.scope ? { scope: place.scope } : {}) });
    run.waitCalls(node.id, [...place.pending.values()]);
    ctx.report({ kind: 'approval_needed', callId, tool: call.tool, args: call.args });
    const timeout = ref.spec.approvalTimeout;
    const decision = await run.awaitDecision(decisionKey({ nodeId: node.id, callId }), timeout ? parseDuration(timeout) : undefined);
    place.pending.delete(callId);
    run.waitCalls(node.id, [...place.pending.values()]);
    if (!decision?.approved) {
      settle(ctx, ref, call.callId, { status: 'rejected', by: decision?.by ?? null, comment: decision ? (decision.comment ?? null) : 'timed out', durationMs: Date.now() - started });
      return;
    }
    if (decision.args !== undefined) args = decision.args;
    loop.approved(call.callId, decision.args);
  }
  const settlement = await execute(ctx, ref, { ...scope, args }, callId);
  settle(ctx, ref, call.callId, { ...settlement, durationMs: Date.now() - started } as CallSettlement);
}

/** Settles the call in the loop and reports its result (the worker counts tool calls from that event). */
function settle(ctx: ToolCallContext, ref: ToolRef, id: string, how: CallSettlement): void {
  ctx.loop.settle(id, how);
  ctx.report({ kind: 'tool_result', callId: `${ctx.place.scope}${id}`, tool: ref.name, toolKind: ref.kind, status: how.status, durationMs: how.durationMs });
}

/** Whether a call waits for a person: the tool's `approve` (true or an expression over args, input, run), or the MCP server's list. */
function needsApproval(ref: ToolRef, scope: object): boolean {
  const { approve } = ref.spec;
  if (approve === undefined || approve === false) return false;
  if (approve === true) return true;
  if (ref.kind === 'mcp') return Array.isArray(approve) && approve.includes(ref.tool);
  return typeof approve === 'string' && isTruthy(evaluateExpression(approve, scope));
}

type Ran = Omit<Extract<CallSettlement, { status: 'succeeded' }>, 'durationMs'> | Omit<Extract<CallSettlement, { status: 'failed' }>, 'durationMs'>;

/** Runs the call by its tool's kind; never throws for the tool's own failure, only for cancellation. */
async function execute(ctx: ToolCallContext, ref: ToolRef, scope: object, callId: string): Promise<Ran> {
  try {
    if (ref.kind === 'workflow') return await workflowTool(ctx, ref, scope, callId);
    if (ref.kind === 'agent') return await agentTool(ctx, ref, scope, callId);
    return await activityTool(ctx, ref, scope, callId);
  } catch (err) {
    const failure = describeFailure(err, maxAttempts(ref));
    if (failure.cancelled) throw err;
    return { status: 'failed', error: failure.error, attempts: failure.attempts };
  }
}

const maxAttempts = (ref: ToolRef): number => retryPolicy(ref.spec.retry).maxAttempts;

/** The activities as a call of `ref` runs them: the tool's timeout and retry (default 3 attempts), named for the tool. */
function toolActivities(ref: ToolRef): WeftActivities {
  const timeout = ref.spec.timeout;
  return activityProxy({ summary: `tool ${ref.name}`, timeoutMs: timeout ? parseDuration(timeout) : DEFAULT_NODE_TIMEOUT_MS, retry: retryPolicy(ref.spec.retry) });
}

/** http, exec, plugin and MCP tools: one activity, secrets resolved inside it, the call's idempotency key passed on. */
async function activityTool(ctx: ToolCallContext, ref: Exclude<ToolRef, { kind: 'workflow' | 'agent' }>, scope: object, callId: string): Promise<Ran> {
  const { node, run } = ctx;
  const base = { nodeId: node.id, workflow: run.definition.name, idempotencyKey: `${run.runId}/${node.id}/${callId}`, part: 'tool' as const };
  const activities = toolActivities(ref);
  if (ref.kind === 'mcp') return mcpTool(activities, ref, base, scope);
  const { spec } = ref;
  const fields = ref.kind === 'http' ? { request: spec.http } : ref.kind === 'exec' ? spec.exec : { config: spec.config ?? {} };
  let resolved: { value: unknown; deferred: unknown[] };
  try {
    resolved = resolveTemplatesDeferringSecrets(fields, scope);
  } catch (err) {
    return { status: 'failed', error: errorOf(err), attempts: 1 };
  }
  const input = { ...(resolved.value as object), ...base, deferred: resolved.deferred, ...cacheOf(spec) } as never;
  const result =
    ref.kind === 'http'
      ? await activities.runHttp(input)
      : ref.kind === 'exec'
        ? await activities.runExec(input)
        : await activities.runPlugin({ ...(input as object), type: spec.plugin! } as never);
  return { status: 'succeeded', output: result.output, attempts: result.attempt };
}

/** An MCP tool: `isError` is the tool's answer that it failed, fed back as an error result. */
async function mcpTool(activities: WeftActivities, ref: McpToolRef, base: object, scope: object): Promise<Ran> {
  const { url, headers, command, env } = ref.spec;
  const server = resolveTemplatesDeferringSecrets({ url, headers, command, env }, scope);
  const args = (scope as { args: unknown }).args;
  const result = await activities.callMcpTool({ ...base, deferred: server.deferred, server: { name: ref.server, ...(server.value as object) }, tool: ref.tool, args } as never);
  const { isError, structuredContent, text } = result.output;
  if (isError) return { status: 'failed', error: { type: FailureType.McpToolError, message: text }, attempts: result.attempt };
  return { status: 'succeeded', output: structuredContent ?? text, attempts: result.attempt };
}

/** A `workflow` tool: a child run of the stored definition, its input the args (or `input:` over them). */
async function workflowTool(ctx: ToolCallContext, ref: DefinedToolRef, scope: object, callId: string): Promise<Ran> {
  const { run, node } = ctx;
  const workflowRef = parseWorkflowRef(ref.spec.workflow!);
  const input = ref.spec.input === undefined ? (scope as { args: unknown }).args : resolveTemplates(ref.spec.input, scope);
  const loaded = await loadWorkflow(workflowRef);
  const result = await runChild(run, `${node.id}.${callId.replaceAll('/', '.')}`, { definition: loaded.definition, input, workflow: workflowRef.name, version: loaded.version });
  if (result.status !== 'succeeded') return { status: 'failed', error: { type: FailureType.ChildRunFailed, message: `${workflowRef.name}: ${result.error?.message ?? result.status}` }, attempts: 1, costUsd: result.costUsd };
  return { status: 'succeeded', output: result.output, attempts: 1, costUsd: result.costUsd };
}

/** An `agent` tool: the profile's loop as a sub-agent, its conversation under this call. */
async function agentTool(ctx: ToolCallContext, ref: DefinedToolRef, scope: object, callId: string): Promise<Ran> {
  const { place, run, node } = ctx;
  if (place.depth + 1 > MAX_DEPTH) return { status: 'failed', error: { type: FailureType.AgentLimit, message: `sub-agents nest at most ${MAX_DEPTH} deep` }, attempts: 1 };
  // The profile over `defaults.agent`, less its tools: a sub-agent's tools are its profile's own.
  const { tools: _tools, ...defaults } = run.definition.defaults?.agent ?? {};
  const profile = { ...defaults, ...withProfiles(run.definition.agents, { use: ref.spec.agent! }) };
  const args = (scope as { args: unknown }).args;
  const prompt = ref.spec.prompt === undefined ? JSON.stringify(args) : asText(resolveTemplates(ref.spec.prompt, scope));
  const config = { ...profile, prompt: '' } as AgentConfig;
  const outcome = await ctx.subLoop(node, scope, run, [config], { scope: `${callId}/`, depth: place.depth + 1, pending: place.pending, prompt, remainingUsd: () => callerLeft(place, ctx.loop) });
  if (outcome.kind === 'succeeded') {
    const output = outcome.output as { usage?: { inputTokens: number; outputTokens: number } };
    return { status: 'succeeded', output: outcome.output, attempts: outcome.attempts, costUsd: outcome.costUsd, ...(output.usage ? { usage: output.usage } : {}) };
  }
  if (outcome.kind === 'failed') {
    if (outcome.cancelled) throw new Error('unreachable: a cancelled sub-agent throws');
    return { status: 'failed', error: outcome.error, attempts: outcome.attempts, costUsd: outcome.costUsd ?? null };
  }
  return { status: 'failed', error: { type: FailureType.Internal, message: 'the sub-agent did not run' }, attempts: 0 };
}

/**
 * What a sub-agent may spend before its own spend: the least of what is left
 * above its caller after the caller's spend so far, and of the caller's own
 * `budgetUsd` (undefined: neither is bounded).
 */
function callerLeft(place: LoopPlace, caller: AgentLoop): number | undefined {
  const above = place.remainingUsd();
  const fromAbove = above === undefined ? undefined : above - caller.costUsd;
  const own = caller.budgetLeft();
  if (fromAbove === undefined) return own;
  return own === undefined ? fromAbove : Math.min(fromAbove, own);
}
