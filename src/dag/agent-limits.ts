/**
 * Turn and call limits of an agent loop (weft-agents 1 and 2). Its own module,
 * free of zod: the workflow bundle reads them, and every module it imports is
 * evaluated again at each workflow start (schema.ts would build every schema).
 */
export const AGENT_LOOP_LIMITS = { maxTurns: 200, maxToolCalls: 1_000, toolsPerNode: 128, subAgentDepth: 3, defaultMaxTurns: 10, defaultMaxToolCalls: 50 } as const;
