/**
 * The state of one agent loop (weft-agents 3.1–3.5), pure: the workflow asks it
 * what to do next and tells it what happened; it never calls a model or a tool.
 *
 * Invariants:
 * 1. Turns are numbered from 1, one model call each. A turn starts only when
 *    every call of the answer before it has settled; its input is those calls'
 *    results in the order the model asked for them (and the feedback on an
 *    invalid final answer).
 * 2. A turn beyond `maxTurns`, or one that would start with the node's
 *    `budgetUsd` or the run's budget spent, is not made: the loop ends with
 *    AGENT_LIMIT (or, with `onLimit: succeed`, `stopReason: max_turns`) or
 *    BUDGET_EXCEEDED.
 * 3. Every call the model asks for is counted and recorded once, by its id. A
 *    call naming no listed tool ends `unknown`, one whose arguments fail the
 *    tool's `parameters` ends `invalid`; neither runs. A call beyond
 *    `maxToolCalls` is not recorded and not made; once the calls within the
 *    limit settle, the loop ends by the limit.
 * 4. A call that runs settles exactly once: `succeeded`, `failed` (the tool's
 *    attempts spent: the model gets an error result and the loop goes on) or
 *    `rejected` (a person, or the approval timeout, said no).
 * 5. An answer without calls is final. With `output: json` an answer that is
 *    not valid against the schema is fed back and costs a turn.
 * 6. Usage and cost sum every turn and every call that reports a cost
 *    (sub-agents, workflow tools), so the node's cost is the loop's.
 */
import type { TokenUsage } from './conversation.js';
import { FailureType } from './failure-types.js';
import type { NodeError } from './run-state.js';

/** How a tool call ended (weft-agents 3.5). */
export type ToolCallStatus = 'succeeded' | 'failed' | 'rejected' | 'invalid' | 'unknown';

/** A call as the node's output lists it. */
export interface ToolCallRecord {
  id: string;
  tool: string;
  args: unknown;
  status: ToolCallStatus | 'running' | 'waiting';
  output?: unknown;
  error?: NodeError;
  attempts: number;
  durationMs: number;
  turn: number;
}

/** A call of an answer, as the turn's activity checked it against the node's tools. */
export interface CheckedCall {
  callId: string;
  tool: string;
  args: unknown;
  /** `unknown`: the node lists no such tool; `invalid`: the arguments fail `parameters` (with `errors`). */
  check: 'ok' | 'unknown' | 'invalid';
  errors?: string;
}

/** What a turn's activity reports of the model's answer. */
export interface TurnSummary {
  text: string;
  calls: CheckedCall[];
  /** A final answer's JSON, when `output: json` and it was valid. */
  json?: unknown;
  /** Why a final answer was refused (`output: json`): fed back on the next turn. */
  invalidOutput?: string;
  usage: TokenUsage;
  costUsd: number | null;
  model: string | null;
}

/** A result for the next turn: what the model reads for one call. */
export interface CallResult {
  callId: string;
  tool: string;
  /** The value the model reads (as JSON text), already scrubbed of secrets. */
  value: unknown;
  isError: boolean;
}

/** How a running call settled. */
export type CallSettlement =
  | { status: 'succeeded'; output: unknown; attempts: number; durationMs: number; costUsd?: number | null; usage?: TokenUsage }
  | { status: 'failed'; error: NodeError; attempts: number; durationMs: number; costUsd?: number | null; usage?: TokenUsage }
  | { status: 'rejected'; by: string | null; comment: string | null; durationMs: number };

export interface LoopLimits {
  maxTurns: number;
  maxToolCalls: number;
  budgetUsd?: number | undefined;
  onLimit: 'fail' | 'succeed';
}

/** The next thing the loop needs. */
export type LoopStep =
  | { kind: 'turn'; turn: number; results: CallResult[]; feedback?: string }
  | { kind: 'calls' }
  | { kind: 'end'; end: LoopEnd };

/** How the loop ended. */
export type LoopEnd =
  | { kind: 'succeeded'; stopReason: 'end' | 'max_turns' | 'max_tool_calls' }
  | { kind: 'failed'; error: NodeError };

/** The loop's output (weft-agents 3.5), less what the executor adds (provider, model). */
export interface LoopOutput {
  text: string;
  json?: unknown;
  turns: number;
  toolCalls: ToolCallRecord[];
  usage: TokenUsage;
  costUsd: number;
  stopReason: 'end' | 'max_turns' | 'max_tool_calls';
}

/** What a carried result looks like for a call that never ran. */
const errorValue = (type: string, message: string) => ({ error: { type, message } });

export class AgentLoop {
  private turn = 0;
  private readonly calls: ToolCallRecord[] = [];
  /** Calls of the current answer, in the model's order. */
  private current: string[] = [];
  private readonly results = new Map<string, CallResult>();
  private feedback: string | undefined;
  private limitHit: 'max_turns' | 'max_tool_calls' | undefined;
  private final: { text: string; json?: unknown } | undefined;
  private lastText = '';
  private readonly usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  private cost = 0;

  constructor(private readonly limits: LoopLimits) {}

  /**
   * What to do now; `runRemainingUsd` is what is left from above before this
   * loop's own spend (undefined: no budget): the run's budget, and for a
   * sub-agent also what its caller's budget and spend leave.
   */
  next(runRemainingUsd?: number): LoopStep {
    if (this.current.some((id) => !this.results.has(id))) return { kind: 'calls' };
    if (this.final) return { kind: 'end', end: { kind: 'succeeded', stopReason: 'end' } };
    if (this.limitHit) return { kind: 'end', end: this.limitEnd(this.limitHit) };
    if (this.turn >= this.limits.maxTurns) return { kind: 'end', end: this.limitEnd('max_turns') };
    if (this.limits.budgetUsd !== undefined && this.cost >= this.limits.budgetUsd) {
      return { kind: 'end', end: { kind: 'failed', error: { type: FailureType.BudgetExceeded, message: `the node's budgetUsd ${this.limits.budgetUsd} is spent (${this.cost.toFixed(6)})` } } };
    }
    if (runRemainingUsd !== undefined && runRemainingUsd - this.cost <= 0) {
      return { kind: 'end', end: { kind: 'failed', error: { type: FailureType.BudgetExceeded, message: "the run's budgetUsd (or the calling agent's) is spent" } } };
    }
    this.turn += 1;
    const results = this.current.map((id) => this.results.get(id)!);
    const step: LoopStep = { kind: 'turn', turn: this.turn, results, ...(this.feedback ? { feedback: this.feedback } : {}) };
    this.current = [];
    this.feedback = undefined;
    return step;
  }

  /**
   * The model answered the current turn. Returns the calls to run (after an
   * approval where one is needed); unknown and invalid calls are settled here.
   */
  answered(summary: TurnSummary): CheckedCall[] {
    this.addSpend(summary.usage, summary.costUsd);
    this.lastText = summary.text;
    if (summary.calls.length === 0) {
      if (summary.invalidOutput !== undefined) this.feedback = summary.invalidOutput;
      else this.final = { text: summary.text, ...(summary.json === undefined ? {} : { json: summary.json }) };
      return [];
    }
    const room = this.limits.maxToolCalls - this.calls.length;
    const taken = summary.calls.slice(0, Math.max(room, 0));
    if (taken.length < summary.calls.length) this.limitHit = 'max_tool_calls';
    const toRun: CheckedCall[] = [];
    for (const call of taken) {
      this.calls.push({ id: call.callId, tool: call.tool, args: call.args, status: 'running', attempts: 0, durationMs: 0, turn: this.turn });
      this.current.push(call.callId);
      if (call.check === 'unknown') this.close(call, 'unknown', FailureType.ToolUnknown, `no tool named ${call.tool} is available to this agent`);
      else if (call.check === 'invalid') this.close(call, 'invalid', FailureType.ArgsInvalid, `the arguments do not match the tool's parameters: ${call.errors ?? ''}`);
      else toRun.push(call);
    }
    return toRun;
  }

  /** A call waits for a person's decision. */
  waiting(callId: string): void {
    this.record(callId).status = 'waiting';
  }

  /** A call that waited was approved (with `args` when the person edited them) and runs. */
  approved(callId: string, args?: unknown): void {
    const record = this.record(callId);
    record.status = 'running';
    if (args !== undefined) record.args = args;
  }

  /** A running (or waiting) call settled (invariant 4). */
  settle(callId: string, how: CallSettlement): void {
    const record = this.record(callId);
    if (this.results.has(callId)) throw new Error(`call ${callId} settled twice`);
    record.status = how.status;
    record.durationMs = how.durationMs;
    if (how.status === 'rejected') {
      this.results.set(callId, { callId, tool: record.tool, value: { rejected: true, by: how.by, comment: how.comment }, isError: true });
      return;
    }
    record.attempts = how.attempts;
    this.addSpend(how.usage, how.costUsd ?? null);
    if (how.status === 'succeeded') {
      record.output = how.output;
      this.results.set(callId, { callId, tool: record.tool, value: how.output, isError: false });
    } else {
      record.error = how.error;
      this.results.set(callId, { callId, tool: record.tool, value: errorValue(how.error.type, how.error.message), isError: true });
    }
  }

  /** The calls `turn`'s answer made (within `maxToolCalls`), in the model's order. */
  callsOf(turn: number): ToolCallRecord[] {
    return this.calls.filter((c) => c.turn === turn).map((c) => ({ ...c }));
  }

  /** The calls waiting for a decision, in order. */
  pending(): ToolCallRecord[] {
    return this.calls.filter((c) => c.status === 'waiting');
  }

  /** Model calls made so far. */
  get turns(): number {
    return this.turn;
  }

  get costUsd(): number {
    return this.cost;
  }

  /** What is left of this loop's own `budgetUsd` (undefined: it has none): a sub-agent's calls spend from it too. */
  budgetLeft(): number | undefined {
    return this.limits.budgetUsd === undefined ? undefined : this.limits.budgetUsd - this.cost;
  }

  /** The loop's output; `stopReason` from how it ended. */
  output(stopReason: LoopOutput['stopReason']): LoopOutput {
    const text = this.final?.text ?? this.lastText;
    return {
      text,
      ...(this.final?.json === undefined ? {} : { json: this.final.json }),
      turns: this.turn,
      toolCalls: this.calls.map((c) => ({ ...c })),
      usage: { ...this.usage },
      costUsd: this.cost,
      stopReason,
    };
  }

  private limitEnd(reason: 'max_turns' | 'max_tool_calls'): LoopEnd {
    if (this.limits.onLimit === 'succeed') return { kind: 'succeeded', stopReason: reason };
    const what = reason === 'max_turns' ? `maxTurns ${this.limits.maxTurns}` : `maxToolCalls ${this.limits.maxToolCalls}`;
    return { kind: 'failed', error: { type: FailureType.AgentLimit, message: `the agent reached ${what} without a final answer` } };
  }

  private close(call: CheckedCall, status: 'unknown' | 'invalid', type: string, message: string): void {
    const record = this.record(call.callId);
    record.status = status;
    record.error = { type, message };
    this.results.set(call.callId, { callId: call.callId, tool: call.tool, value: errorValue(type, message), isError: true });
  }

  private record(callId: string): ToolCallRecord {
    const record = this.calls.find((c) => c.id === callId);
    if (!record) throw new Error(`no call ${callId} in this loop`);
    return record;
  }

  private addSpend(usage: TokenUsage | undefined, costUsd: number | null): void {
    if (usage) {
      this.usage.inputTokens += usage.inputTokens;
      this.usage.outputTokens += usage.outputTokens;
      if (usage.cacheReadTokens) this.usage.cacheReadTokens = (this.usage.cacheReadTokens ?? 0) + usage.cacheReadTokens;
    }
    if (costUsd) this.cost += costUsd;
  }
}
