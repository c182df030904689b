/**
 * The one catalogue of failure types that Weft itself raises, in activities
 * (`ApplicationFailure.type`), in the workflow and in node records. User-supplied
 * types (an offline mock's `error.type`, a provider's own) pass through unchanged.
 */
export const FailureType = {
  /** A JSONata expression or template failed or exceeded its bounds. */
  ExpressionError: 'EXPRESSION_ERROR',
  /** An attempt ran past the node's `timeout`. */
  Timeout: 'TIMEOUT',
  /** A node type this build cannot execute yet. */
  NotSupported: 'NOT_SUPPORTED',
  /** The offline provider's default failure. */
  MockFailure: 'MockFailure',
  /** An agent's output did not parse or match its schema. */
  OutputInvalid: 'OUTPUT_INVALID',
  /** A node's resolved configuration is not usable (e.g. a template yielded a bad duration). */
  ConfigInvalid: 'CONFIG_INVALID',
  /** The provider named in a definition is not configured on this worker. */
  UnknownProvider: 'UNKNOWN_PROVIDER',
  /** The node was cancelled (run cancelled or failed fast). */
  Cancelled: 'CANCELLED',
  /** Anything the workflow could not classify. */
  Internal: 'INTERNAL',
} as const;

export type FailureTypeName = (typeof FailureType)[keyof typeof FailureType];

/** Run-level error codes (section 3.3 of the contract). */
export const RunErrorCode = {
  NodeFailed: 'NODE_FAILED',
  BudgetExceeded: 'BUDGET_EXCEEDED',
  RunTimeout: 'RUN_TIMEOUT',
  Cancelled: 'CANCELLED',
  NotSupported: 'NOT_SUPPORTED',
} as const;

export type RunErrorCodeName = (typeof RunErrorCode)[keyof typeof RunErrorCode];
