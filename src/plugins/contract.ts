import type { DeferredTemplate } from '../dag/expressions.js';

/**
 * What the interpreter and the worker exchange about plugins, as types only (and
 * one const): the workflow imports this file with `import type`.
 */

/** The hooks a plugin may observe. */
export const HookName = { BeforeNode: 'beforeNode', AfterNode: 'afterNode', OnNodeError: 'onNodeError', OnRunComplete: 'onRunComplete', OnWarning: 'onWarning', OnBudget: 'onBudget', OnAlert: 'onAlert' } as const;
export type HookName = (typeof HookName)[keyof typeof HookName];

/** One plugin node's attempt, as the workflow schedules it (`runPlugin`). */
export interface PluginActivityInput {
  nodeId: string;
  workflow?: string;
  /** `<plugin>.<type>`. */
  type: string;
  /** The node's `config`, templates resolved except those reading `secrets` (see `deferred`). */
  config: unknown;
  deferred?: DeferredTemplate[];
  cache?: { ttlMs: number };
  /** Set on an agent's tool call (`NodeActivityInput.idempotencyKey`). */
  idempotencyKey?: string;
  /** Set on an agent's tool call (`NodeActivityInput.part`). */
  part?: 'tool';
}

export interface PluginActivityResult {
  output: unknown;
  /** The Temporal attempt that succeeded (1-based). */
  attempt: number;
  plugin: { name: string; version: string };
}

/** What a hook receives. `eventId` is stable: a retried delivery carries the same one. */
export interface HookEvent {
  eventId: string;
  type: HookName;
  /** When the event happened (ISO 8601). */
  at: string;
  /** Empty on an `onAlert` event whose alert is not about one run. */
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
  /** `onAlert`: the notification (state, alert, rule), as the alert channels receive it. */
  alert?: unknown;
}
