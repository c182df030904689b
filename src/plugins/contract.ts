import type { DeferredTemplate } from '../dag/expressions.js';

/** The hooks a plugin may implement (contract weft-ops §9). */
export const HookName = { BeforeNode: 'beforeNode', AfterNode: 'afterNode', OnNodeError: 'onNodeError', OnRunComplete: 'onRunComplete', OnWarning: 'onWarning', OnBudget: 'onBudget' } as const;
export type HookName = (typeof HookName)[keyof typeof HookName];

/** What the interpreter sends to run a plugin node: its config resolved, except templates that read secrets. */
export interface PluginActivityInput {
  nodeId: string;
  workflow?: string;
  type: string;
  config: unknown;
  deferred?: DeferredTemplate[];
  cache?: { ttlMs: number };
}

/** What a plugin node's activity returns. */
export interface PluginActivityResult {
  output: unknown;
  attempt: number;
  plugin: { name: string; version: string };
}

/** One hook call's event; a retried delivery carries the same `eventId`. */
export interface HookEvent {
  eventId: string;
  type: HookName;
  at: string;
  runId: string;
  workflow: string;
  nodeId?: string;
  /** The node record. */
  node?: unknown;
  /** The run snapshot. */
  run?: unknown;
  error?: { type: string; message: string };
  attempt?: number;
  warning?: string;
  budget?: unknown;
}
