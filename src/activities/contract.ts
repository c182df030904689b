import type { CallResult, TurnSummary } from '../dag/agent-loop.js';
import type { ToolDefinition } from '../dag/conversation.js';
import type { DeferredTemplate } from '../dag/expressions.js';
import type { AgentConfig, Definition } from '../dag/schema.js';
import type { NodeRecord, RunError, RunSnapshot } from '../dag/run-state.js';
import type { HookEvent, PluginActivityInput, PluginActivityResult } from '../plugins/contract.js';

/**
 * The activities the interpreter calls, as types only: the workflow imports this
 * file with `import type`, and the worker registers the factories' products.
 */

/** An agent's config with every template resolved by the workflow. */
export type ResolvedAgentConfig = Omit<AgentConfig, 'mock'> & { mock?: Record<string, unknown> };

/** `cache: {ttl}` on an activity input, in milliseconds. */
export interface CacheSpec {
  ttlMs: number;
}

/**
 * What every node activity's input carries, the fields the attempt envelope
 * (`runAttempt`) reads. All but `nodeId` are optional: histories recorded before
 * a field existed must still replay.
 */
export interface NodeActivityInput {
  nodeId: string;
  /** The definition's name, for attempt observers (absent in histories recorded before it). */
  workflow?: string;
  /** Templates reading `secrets`, for the activity to resolve (the workflow never sees secret values). */
  deferred?: DeferredTemplate[];
  /** `cache: {ttl}`; only activities that give a cache key are cached. */
  cache?: CacheSpec;
  /**
   * Set on an agent's tool call: `<runId>/<nodeId>/<callId>`, the same on every
   * attempt, which the tool passes on (http `Idempotency-Key`, exec
   * `WEFT_IDEMPOTENCY_KEY`, plugin `ctx.idempotencyKey`, MCP `_meta`).
   */
  idempotencyKey?: string;
  /**
   * `turn` and `tool`: a part of an agent loop, not a node attempt of its own:
   * no hook or attempt observer hears it, and a tool call leaves no attempt row.
   */
  part?: 'turn' | 'tool';
}

/** Where an agent loop's conversation is kept: the node, and for a sub-agent the path of calls that started it. */
export interface ConversationKey {
  runId: string;
  nodeId: string;
  /** `''` for the node's own loop; `<callId>/` (nested: `<callId>/<callId>/`) for a sub-agent's. */
  scope: string;
}

/** One turn of an agent loop (weft-agents 3.1). */
export interface AgentTurnInput extends NodeActivityInput {
  conversation: ConversationKey;
  /** 1-based. */
  turn: number;
  /** Attempts (model calls) this node made before this turn, so records number on. */
  attemptOffset: number;
  /** Index of the fallback entry in use, or null for the primary config. */
  fallback: number | null;
  config: ResolvedAgentConfig;
  /** Turn 1 only: the tools the model may call, kept with the conversation for every later turn. */
  tools?: ToolDefinition[];
  /** The results of the previous turn's calls, in the model's order; `value` as the model reads it (cut at 64 KB). */
  results: CallResult[];
  /** Why the previous final answer was refused (`output: json`). */
  feedback?: string;
  upstream?: number;
}

export interface AgentTurnResult {
  summary: TurnSummary;
  /** The Temporal attempt that answered. */
  attempt: number;
  provider: string;
}

/** An MCP server as an activity receives it: templates resolved, except those reading secrets (`deferred`). */
export interface McpServerInput {
  name: string;
  url?: string;
  headers?: Record<string, string>;
  command?: string[];
  env?: Record<string, string>;
}

export interface ListMcpToolsInput extends NodeActivityInput {
  server: McpServerInput;
}

export interface CallMcpToolInput extends NodeActivityInput {
  server: McpServerInput;
  tool: string;
  args: unknown;
}

/** What an MCP tool call returned: `structuredContent` as JSON output, else the text. */
export interface McpCallOutput {
  isError: boolean;
  structuredContent?: unknown;
  text: string;
}

export interface AgentActivityInput extends NodeActivityInput {
  /** Attempts this node used before this activity (earlier fallbacks), so records number on. */
  attemptOffset: number;
  /** Index of the fallback entry in use, or null for the primary config. */
  fallback: number | null;
  config: ResolvedAgentConfig;
  /** How many nodes feed this one (for the `model: auto` complexity estimate). */
  upstream?: number;
}

/** An agent node's output (contract 1.3). */
export interface AgentOutput {
  text: string;
  json?: unknown;
  usage: { inputTokens: number; outputTokens: number; cacheReadTokens?: number };
  costUsd: number | null;
  provider: string;
  model: string | null;
  cached: boolean;
  fallback: number | null;
}

export interface AgentActivityResult {
  output: AgentOutput;
  /** The Temporal attempt that succeeded (1-based, within this activity). */
  attempt: number;
}

/** Details every Weft activity failure carries first, so the workflow can count attempts. */
export interface FailureDetails {
  attempt: number;
}

/** What a node activity returns: its output and the Temporal attempt that produced it. */
export interface NodeActivityResult<T> {
  output: T;
  attempt: number;
}

export interface HttpActivityInput extends NodeActivityInput {
  request: { method?: string; url: string; headers?: Record<string, string>; query?: Record<string, string | number | boolean>; body?: unknown };
  expectStatus?: number | number[];
}

export interface ExecActivityInput extends NodeActivityInput {
  command: string[];
  cwd?: string;
  env?: Record<string, string>;
  stdin?: string;
  policy?: 'default' | 'sandbox';
}

export interface ExecOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface FinishRunInput {
  /** The run's final state; `nodes` holds the records not stored by `saveNodes` before. */
  snapshot: RunSnapshot;
  /** A child scope (loop iteration, map batch): its attempts are recorded, but it is not a run of its own. */
  scopeOnly?: boolean;
}

export interface SaveNodesInput {
  runId: string;
  /** Settled nodes' records, a chunk small enough for one payload. */
  nodes: Record<string, NodeRecord>;
  scopeOnly?: boolean;
}

/** A stored definition, as a `workflow` node or a map over a workflow starts it. */
export interface LoadedWorkflow {
  definition: Definition;
  version: number;
}

/** A scheduled run about to start: its id is the workflow id the schedule gave it. */
export interface PrepareScheduledRunInput {
  runId: string;
  /** When the workflow started: the run's start. */
  startedAt: string;
  scheduleId: string;
  workflow: string;
  version?: number;
  input: unknown;
  /** The schedule's run priority (older schedules have none: the default). */
  priority?: number;
}

/** The definition to interpret, or why the scheduled run was refused (recorded as a failed run). */
export type PreparedScheduledRun = { ok: true; definition: Definition; version: number } | { ok: false; error: RunError };

export interface WeftActivities {
  runAgent(input: AgentActivityInput): Promise<AgentActivityResult>;
  runHttp(input: HttpActivityInput): Promise<NodeActivityResult<{ status: number; headers: Record<string, string>; body: unknown }>>;
  runExec(input: ExecActivityInput): Promise<NodeActivityResult<ExecOutput>>;
  runPlugin(input: PluginActivityInput): Promise<PluginActivityResult>;
  /** One model call of an agent loop: reads the conversation kept so far, asks the model, keeps its answer. */
  agentTurn(input: AgentTurnInput): Promise<AgentTurnResult>;
  /** The tools an MCP server lists, read once when a node that uses it starts. */
  listMcpTools(input: ListMcpToolsInput): Promise<NodeActivityResult<ToolDefinition[]>>;
  /** One `tools/call` of an MCP server. */
  callMcpTool(input: CallMcpToolInput): Promise<NodeActivityResult<McpCallOutput>>;
  /** Calls the loaded plugins' hooks for events of nodes that run inside the workflow; only for runs started with hooks. */
  deliverHooks(input: { events: HookEvent[] }): Promise<void>;
  saveNodes(input: SaveNodesInput): Promise<void>;
  /** Outputs of stored nodes, for a run continuing as new whose carried outputs were too big to carry. */
  loadOutputs(input: { runId: string; nodeIds: string[] }): Promise<Record<string, unknown>>;
  finishRun(input: FinishRunInput): Promise<void>;
  loadWorkflow(input: { name: string; version?: number }): Promise<LoadedWorkflow>;
  /** Resolves a scheduled run's definition, checks its input and records the run (or its refusal). */
  prepareScheduledRun(input: PrepareScheduledRunInput): Promise<PreparedScheduledRun>;
}
