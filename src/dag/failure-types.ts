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
  /** The offline provider's default failure. */
  MockFailure: 'MockFailure',
  /** An agent's output did not parse or match its schema. */
  OutputInvalid: 'OUTPUT_INVALID',
  /** A node's resolved configuration is not usable (e.g. a template yielded a bad duration). */
  ConfigInvalid: 'CONFIG_INVALID',
  /** The provider named in a definition is not configured on this worker. */
  UnknownProvider: 'UNKNOWN_PROVIDER',
  /** A secret a node reads is not set on the worker (`WEFT_SECRET_<NAME>`). */
  SecretMissing: 'SECRET_MISSING',
  /** The provider (or an http endpoint) asked to slow down (429); retried after its retry-after. */
  RateLimited: 'RATE_LIMITED',
  /** The provider is down or overloaded (5xx, 529, connection failure); retried. */
  ProviderUnavailable: 'PROVIDER_UNAVAILABLE',
  /** The provider refused the key (401, 403); not retried. */
  ProviderAuth: 'PROVIDER_AUTH',
  /** The provider refused the request (400, 404, other 4xx); not retried. */
  ProviderRejected: 'PROVIDER_REJECTED',
  /** An http node got a status it did not expect. */
  HttpStatus: 'HTTP_STATUS',
  /** An http node's request failed on the network; retried. */
  HttpError: 'HTTP_ERROR',
  /** An http node's destination is private, loopback or link-local (SSRF guard). */
  DestinationRefused: 'DESTINATION_REFUSED',
  /** A response was larger than the configured cap. */
  ResponseTooLarge: 'RESPONSE_TOO_LARGE',
  /** exec nodes are off on this worker (WEFT_EXEC). */
  ExecDisabled: 'EXEC_DISABLED',
  /** A command exited with a non-zero status. */
  ExitNonZero: 'EXIT_NONZERO',
  /** An exec node's cwd resolves outside the workspace root. */
  CwdOutsideWorkspace: 'CWD_OUTSIDE_WORKSPACE',
  /** `policy: sandbox` was asked for but bubblewrap cannot run here. */
  SandboxUnavailable: 'SANDBOX_UNAVAILABLE',
  /** An MCP server given by `command` (stdio) while the worker does not allow them (WEFT_MCP_STDIO). */
  McpStdioDisabled: 'MCP_STDIO_DISABLED',
  /** An MCP server could not be reached, refused the connection or broke the protocol; retried (unless it refused the credentials). */
  McpUnavailable: 'MCP_UNAVAILABLE',
  /** An approval was rejected (`onReject: fail`). */
  ApprovalRejected: 'APPROVAL_REJECTED',
  /** No decision came within an approval's `timeout` (`onTimeout: fail`). */
  ApprovalTimeout: 'APPROVAL_TIMEOUT',
  /** A loop iteration's child run did not succeed. */
  LoopIterationFailed: 'LOOP_ITERATION_FAILED',
  /** A loop's `until` did not hold within `maxIterations` (`onLimit: fail`). */
  LoopLimit: 'LOOP_LIMIT',
  /** More map items failed than `tolerateFailures` allows. */
  MapItemsFailed: 'MAP_ITEMS_FAILED',
  /** A `workflow` node's child run did not succeed. */
  ChildRunFailed: 'CHILD_RUN_FAILED',
  /** A `workflow` node, a map or a schedule names a stored workflow that does not exist. */
  UnknownWorkflow: 'UNKNOWN_WORKFLOW',
  /** A decision was sent for a node that is not an approval waiting for one (the API answers 409). */
  NotWaiting: 'NOT_WAITING',
  /** A plugin node type (`<plugin>.<type>`) is not loaded on this worker. */
  UnknownNodeType: 'UNKNOWN_NODE_TYPE',
  /** A plugin's `run` threw something that was not a typed failure. */
  PluginFailed: 'PLUGIN_FAILED',
  /** The node was cancelled (run cancelled or failed fast). */
  Cancelled: 'CANCELLED',
  /** Anything the workflow could not classify. */
  Internal: 'INTERNAL',
  /** An agent loop reached `maxTurns` or `maxToolCalls` (weft-agents 3.1.5). */
  AgentLimit: 'AGENT_LIMIT',
  /** An agent node's own `budgetUsd`, or the run's, was spent before a turn (weft-agents 3.1.5). */
  BudgetExceeded: 'BUDGET_EXCEEDED',
  /** An MCP tool answered with `isError`: the model reads the error, the loop goes on. */
  McpToolError: 'MCP_TOOL_ERROR',
  /** A tool call named a tool the node does not list; fed back to the model, never run. */
  ToolUnknown: 'TOOL_UNKNOWN',
  /** A tool call's arguments failed the tool's `parameters`; fed back to the model, never run. */
  ArgsInvalid: 'ARGS_INVALID',
} as const;

/** A failure type of the catalogue (the const object and its type share the name, as the SDK's `RetryState`). */
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** Run-level error codes (section 3.3 of the contract). */
export const RunErrorCode = {
  NodeFailed: 'NODE_FAILED',
  BudgetExceeded: 'BUDGET_EXCEEDED',
  RunTimeout: 'RUN_TIMEOUT',
  Cancelled: 'CANCELLED',
  /** A scheduled run's input no longer matches its workflow's input schema: it was refused. */
  InputInvalid: 'INPUT_INVALID',
  /** A scheduled run's workflow is not stored (any more). */
  UnknownWorkflow: 'UNKNOWN_WORKFLOW',
} as const;

export type RunErrorCode = (typeof RunErrorCode)[keyof typeof RunErrorCode];
