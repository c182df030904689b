import type { AgentOutput, ResolvedAgentConfig } from '../contract.js';

/** What a provider needs from the running activity. */
export interface ProviderContext {
  /** The Temporal attempt, 1-based. */
  attempt: number;
  /** Resolves when the activity is cancelled; providers abort their call on it. */
  cancelled: Promise<never>;
  /** Sleeps, aborting on cancellation. */
  sleep(ms: number): Promise<void>;
  heartbeat(details?: unknown): void;
}

/** One LLM vendor (or the offline provider): a single call, no retries of its own. */
export interface AgentProvider {
  readonly name: string;
  call(config: ResolvedAgentConfig, ctx: ProviderContext): Promise<Omit<AgentOutput, 'cached' | 'fallback'>>;
}
