/**
 * The `agent` events of a run's stream (weft-agents 6): what an agent loop
 * does as it does it. One zod source gives the type, the OpenAPI document and
 * the checks. Every kind but `text` is stored with an id and a dedup key (ops
 * §1: ids and resume); `text` carries streamed model text, has no id and is
 * never stored or replayed. Pure: the workflow imports it.
 */
import { z } from 'zod';

const usage = z.object({ inputTokens: z.number(), outputTokens: z.number(), cacheReadTokens: z.number().optional() });
const toolKinds = z.enum(['http', 'exec', 'workflow', 'plugin', 'agent', 'mcp']);
const callStatus = z.enum(['succeeded', 'failed', 'rejected', 'invalid', 'unknown']);

const common = {
  runId: z.string(),
  nodeId: z.string(),
  /** `''` for the node's own loop; a sub-agent's is `<callId>/` of the call that started it (nested: joined). */
  scope: z.string(),
  /** The turn, numbered from 1 within the scope. */
  turn: z.number().int().min(1),
};

/** One `agent` event's data. `callId`s are full (scope included), as `pendingToolCalls` and approvals name them. */
export const agentEventData = z.discriminatedUnion('kind', [
  z.object({ ...common, kind: z.literal('turn_started') }),
  z.object({ ...common, kind: z.literal('tool_call'), callId: z.string(), tool: z.string(), args: z.unknown() }),
  z.object({ ...common, kind: z.literal('approval_needed'), callId: z.string(), tool: z.string(), args: z.unknown() }),
  z.object({
    ...common,
    kind: z.literal('tool_result'),
    callId: z.string(),
    tool: z.string(),
    /** The tool's kind; null for a call naming no tool the node has. */
    toolKind: toolKinds.nullable(),
    status: callStatus,
    durationMs: z.number(),
  }),
  z.object({ ...common, kind: z.literal('turn_ended'), usage, costUsd: z.number().nullable(), text: z.string() }),
  /** A turn's attempt failed and `attempt` starts: text streamed for this turn before it is void. */
  z.object({ ...common, kind: z.literal('turn_retry'), attempt: z.number().int().min(1) }),
  /** Streamed model text (not stored, no id). `attempt` is the node's attempt that streams it. */
  z.object({ ...common, kind: z.literal('text'), attempt: z.number().int().min(1), delta: z.string() }),
]);

export type AgentEventData = z.infer<typeof agentEventData>;
/** The kinds that are stored and replayed. */
export type StoredAgentEventData = Exclude<AgentEventData, { kind: 'text' }>;
/** An event as the loop reports it: the run and node are added where it is sent. */
export type AgentEventInit = DistributiveOmit<StoredAgentEventData, 'runId' | 'nodeId'>;
/** An event of a loop's current turn: its scope and turn are added where the loop reports it. */
export type TurnEventInit = DistributiveOmit<AgentEventInit, 'scope' | 'turn'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An `agent` event to store (one of `RunEvent`). */
export interface AgentRunEvent {
  kind: 'agent';
  dedup: string;
  data: StoredAgentEventData;
}
