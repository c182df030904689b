import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { HttpActivityInput, ResolvedAgentConfig, WeftActivities } from '../../src/activities/contract.js';
import type { CallResult } from '../../src/dag/agent-loop.js';
import { toolResultText, type ToolDefinition } from '../../src/dag/conversation.js';

/**
 * The agent benchmark's baseline: an agent loop written by hand as a plain
 * Temporal workflow. It calls the very activities Weft's loop calls (`agentTurn`
 * for each model turn, its conversation in PostgreSQL; `runHttp` for each tool
 * call, with its idempotency key), with Weft's default timeout and retry, and
 * none of Weft's bookkeeping: no limits, budgets, argument checks, node record
 * or events.
 */
const { agentTurn, runHttp } = proxyActivities<WeftActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { maximumAttempts: 3, initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** What the loop needs: the model's config and tools, and the one http request every tool call makes. */
export interface HandAgentLoopInput {
  config: ResolvedAgentConfig;
  tools: ToolDefinition[];
  request: HttpActivityInput['request'];
}

/** Turns until the model answers without calls; each answer's calls run in parallel. */
export async function handAgentLoop({ config, tools, request }: HandAgentLoopInput): Promise<{ turns: number; text: string }> {
  const runId = workflowInfo().workflowId;
  const nodeId = 'loop';
  let results: CallResult[] = [];
  for (let turn = 1; ; turn++) {
    const { summary } = await agentTurn({
      nodeId,
      conversation: { runId, nodeId, scope: '' },
      turn,
      attemptOffset: turn - 1,
      fallback: null,
      config,
      ...(turn === 1 ? { tools } : {}),
      results,
    });
    if (summary.calls.length === 0) return { turns: turn, text: summary.text };
    results = await Promise.all(
      summary.calls.map(async (call) => {
        const { output } = await runHttp({ nodeId, request, idempotencyKey: `${runId}/${nodeId}/${call.callId}`, part: 'tool' });
        return { callId: call.callId, tool: call.tool, value: toolResultText(output), isError: false };
      }),
    );
  }
}
