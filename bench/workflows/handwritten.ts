import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { AgentActivityInput, WeftActivities } from '../../src/activities/contract.js';

/**
 * The benchmark's baseline: the same DAG shapes written by hand as plain Temporal
 * workflows, calling the very activity Weft's agent nodes call (offline provider,
 * no delay), with the same retry policy and timeouts as Weft's defaults.
 */
const retry = { maximumAttempts: 3, initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;
const { runAgent } = proxyActivities<WeftActivities>({ startToCloseTimeout: '10 minutes', heartbeatTimeout: '30 seconds', retry });
/** As local activities, with the timeout the bench's `execution: local` nodes have. */
const local = proxyLocalActivities<WeftActivities>({ startToCloseTimeout: '1 minute', retry });

const call = (nodeId: string, prompt: string, activities: Pick<WeftActivities, 'runAgent'> = { runAgent }) => {
  const input: AgentActivityInput = { nodeId, attemptOffset: 0, fallback: null, config: { provider: 'offline', prompt, mock: { text: prompt } }, deferred: [], upstream: 0 };
  return activities.runAgent(input);
};

export async function handChain(n: number): Promise<string> {
  let text = 'start';
  for (let i = 0; i < n; i++) text = (await call(`n${i}`, text)).output.text;
  return text;
}

/** The chain with every step a local activity. */
export async function handLocalChain(n: number): Promise<string> {
  let text = 'start';
  for (let i = 0; i < n; i++) text = (await call(`n${i}`, text, local)).output.text;
  return text;
}

export async function handFanOut(n: number): Promise<number> {
  const root = await call('root', 'go');
  const results = await Promise.all(Array.from({ length: n }, (_, i) => call(`w${i}`, root.output.text)));
  return results.length;
}

/** 10 nodes: a root, two layers of four, and a join. */
export async function handDiamond(): Promise<string> {
  const root = await call('root', 'go');
  const first = await Promise.all([0, 1, 2, 3].map((i) => call(`a${i}`, root.output.text)));
  const second = await Promise.all([0, 1, 2, 3].map((i) => call(`b${i}`, first[i]!.output.text)));
  return (await call('join', second.map((r) => r.output.text).join(','))).output.text;
}
