import { z } from 'zod';
import { DURATION_PATTERN, durationProblem, MAX_DURATION_TEXT } from './duration.js';
import { prioritySchema } from './priority.js';

/**
 * The zod schemas of the Weft v1 DSL (contract section 1). They are the single
 * source for validation, for the TypeScript types below and for the OpenAPI
 * document. Node schemas are kept per type so that validation can report an
 * unknown type as `UNKNOWN_TYPE` and check each node against its own schema;
 * children of `map` and `loop` are checked recursively by the validator.
 */

const TEMPLATE_MARK = '{{';

/** A node id: `^[A-Za-z_][A-Za-z0-9_]{0,63}$`. */
export const nodeIdSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must match ^[A-Za-z_][A-Za-z0-9_]{0,63}$');

/** A workflow name: `[a-z0-9][a-z0-9-]{0,62}`. */
export const workflowNameSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must match [a-z0-9][a-z0-9-]{0,62}');

/** `name` or `name@version`, as a `workflow` node or a `map` names a stored definition. */
/** `name` or `name@version`; a version has at most 9 digits (stored versions are 32-bit integers). */
export const workflowRefSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}(@[1-9][0-9]{0,8})?$/, 'must be name or name@version (a version of at most 9 digits)');

/** A duration of at most 100 years (`MAX_DURATION_MS`): longer ones Temporal would cut short. */
export const durationSchema = z
  .string()
  .regex(DURATION_PATTERN, 'must be a duration such as 250ms, 30s, 5m, 2h, 1d')
  // zod runs this even when the pattern failed: only a duration is measured.
  .refine((s) => !DURATION_PATTERN.test(s) || durationProblem(s) === undefined, `must be at most ${MAX_DURATION_TEXT} (100 years)`);

/** A duration, or a template that yields one at run time (measured then: over the maximum, the node fails `CONFIG_INVALID`). */
const durationOrTemplate = z.string().superRefine((s, ctx) => {
  if (s.includes(TEMPLATE_MARK)) return;
  const problem = durationProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: DURATION_PATTERN.test(s) ? problem : `${problem}, or a template` });
});

/** A bare JSONata expression (`when`, `items`, `until`, `value`, `autoApprove`). */
export const expressionSchema = z.string().min(1, 'must be a non-empty JSONata expression');

const jsonSchemaObject = z.record(z.string(), z.unknown());

export const retrySchema = z.strictObject({
  maxAttempts: z.int().min(1).max(100).optional(),
  initialInterval: durationSchema.optional(),
  backoffCoefficient: z.number().min(1).max(100).optional(),
  maxInterval: durationSchema.optional(),
  nonRetryable: z.array(z.string().min(1)).optional(),
});

export const triggerRules = ['none_failed', 'all_succeeded', 'all_done', 'one_succeeded', 'one_failed'] as const;
export const onFailureModes = ['fail', 'skip', 'continue'] as const;

const numberOrTemplate = z.union([z.number(), z.string().includes(TEMPLATE_MARK)]);
const intOrTemplate = z.union([z.int().min(0), z.string().includes(TEMPLATE_MARK)]);
const boolOrTemplate = z.union([z.boolean(), z.string().includes(TEMPLATE_MARK)]);

/** What the offline provider does (contract 1.3), after templates are resolved. */
export const offlineMockSchema = z.strictObject({
  text: z.string().optional(),
  json: z.unknown().optional(),
  delay: durationOrTemplate.optional(),
  failTimes: intOrTemplate.optional(),
  failAlways: boolOrTemplate.optional(),
  error: z
    .strictObject({
      type: z.string().min(1).optional(),
      message: z.string().optional(),
      nonRetryable: boolOrTemplate.optional(),
    })
    .optional(),
  usage: z.strictObject({ inputTokens: intOrTemplate, outputTokens: intOrTemplate }).optional(),
  costUsd: numberOrTemplate.optional(),
});

/** One call the offline provider's scripted model makes (`tool` is the name the model sees). */
export const scriptedCallSchema = z.strictObject({ tool: z.string().min(1), args: z.unknown().optional() });

/**
 * One turn of the offline provider's script (weft-agents 1): tool calls, or a
 * final answer (`text` or `json`); `thinking` plays a thinking block.
 */
export const scriptEntrySchema = z.strictObject({
  text: z.string().optional(),
  json: z.unknown().optional(),
  thinking: z.string().optional(),
  toolCalls: z.array(scriptedCallSchema).optional(),
  usage: z.strictObject({ inputTokens: intOrTemplate, outputTokens: intOrTemplate }).optional(),
  costUsd: numberOrTemplate.optional(),
  delay: durationOrTemplate.optional(),
});

export const agentTiers = ['fast', 'balanced', 'advanced'] as const;

/** `toolChoice` (weft-agents 1): whether the model may, must or must not call a tool. */
export const toolChoices = ['auto', 'required', 'none'] as const;
/** `thinking`: the vendor's adaptive thinking, none, or a token budget. */
export const thinkingSchema = z.union([z.enum(['adaptive', 'off']), z.strictObject({ budgetTokens: z.int().min(1_024).max(1_000_000) })]);


export const agentConfigSchema = z.strictObject({
  provider: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  tier: z.enum(agentTiers).optional(),
  role: z.string().min(1).optional(),
  system: z.string().optional(),
  /** Overrides the provider's key, as a template over `secrets` (e.g. `{{ secrets.TEAM_KEY }}`). */
  apiKey: z.string().optional(),
  prompt: z.string(),
  output: z.enum(['text', 'json']).optional(),
  schema: jsonSchemaObject.optional(),
  maxTokens: z.int().min(1).max(1_000_000).optional(),
  temperature: z.number().min(0).max(2).optional(),
  mock: offlineMockSchema.extend({ script: z.array(scriptEntrySchema).min(1).optional() }).optional(),
  /** A profile of `agents` this config starts from; its own fields override the profile's. */
  use: z.string().min(1).optional(),
  /** Tools the model may call: names of `tools`, `mcp.<server>` or `mcp.<server>.<tool>`. With none, the node is one call (v1). */
  tools: z.array(z.string().min(1)).optional(),
  toolChoice: z.enum(toolChoices).optional(),
  /** Model calls of the loop (the validator reports more than AGENT_LOOP_LIMITS.maxTurns as LIMIT). */
  maxTurns: z.int().min(1).optional(),
  maxToolCalls: z.int().min(1).optional(),
  /** What this node's loop may spend, sub-agents included. */
  budgetUsd: z.number().positive().optional(),
  onLimit: z.enum(['fail', 'succeed']).optional(),
  thinking: thinkingSchema.optional(),
});

/** One `fallback` entry: any agent field, overriding the primary's. */
export const agentOverrideSchema = agentConfigSchema.partial();

/** A reusable agent profile of `agents`: any agent field; `prompt` comes from the node or the tool that uses it. */
export const agentProfileSchema = agentConfigSchema.partial();

/** A tool's name, as the model sees it. */
export const toolNameSchema = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/, 'must match ^[a-zA-Z][a-zA-Z0-9_-]{0,63}$');
/** An MCP server's name. */
export const mcpServerNameSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must match ^[a-z][a-z0-9_-]{0,31}$');
/** A profile's name in `agents` (as roles are named). */
export const agentProfileNameSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must match [a-z][a-z0-9_-]{0,62}');

const cacheSchema = z.strictObject({ ttl: durationSchema });

/**
 * How an activity-run node's work is scheduled: `activity` (default), or
 * `local`, a Temporal local activity run by the worker that runs the workflow
 * task (short nodes; the validator bounds its timeouts, `src/dag/local-execution.ts`).
 */
export const executionModes = ['activity', 'local'] as const;
const executionSchema = z.enum(executionModes);

const commonFields = {
  id: nodeIdSchema,
  title: z.string().optional(),
  description: z.string().optional(),
  tags: z.array(z.string()).optional(),
  needs: z.array(nodeIdSchema).optional(),
  when: expressionSchema.optional(),
  trigger: z.enum(triggerRules).optional(),
  retry: retrySchema.optional(),
  timeout: durationSchema.optional(),
  totalTimeout: durationSchema.optional(),
  onFailure: z.enum(onFailureModes).optional(),
};

/** A child node that the validator checks on its own (map's inline node, loop bodies). */
const childNode = z.record(z.string(), z.unknown());

export const agentNodeSchema = z.strictObject({
  ...commonFields,
  type: z.literal('agent'),
  agent: agentConfigSchema,
  fallback: z.array(agentOverrideSchema).optional(),
  cache: cacheSchema.optional(),
  execution: executionSchema.optional(),
});

/** An http request, of an http node or an http tool. */
export const httpRequestSchema = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).optional(),
  url: z.string().min(1),
  headers: z.record(z.string(), z.string()).optional(),
  query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  body: z.unknown().optional(),
});

export const httpNodeSchema = z.strictObject({
  ...commonFields,
  type: z.literal('http'),
  request: httpRequestSchema,
  expectStatus: z.union([z.int().min(100).max(599), z.array(z.int().min(100).max(599)).min(1)]).optional(),
  cache: cacheSchema.optional(),
  execution: executionSchema.optional(),
});

/** What an exec node or an exec tool runs. */
const execFields = {
  command: z.array(z.string()).min(1),
  cwd: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  stdin: z.string().optional(),
  policy: z.enum(['default', 'sandbox']).optional(),
};

export const execNodeSchema = z.strictObject({
  ...commonFields,
  type: z.literal('exec'),
  ...execFields,
  execution: executionSchema.optional(),
});

export const transformNodeSchema = z.strictObject({
  ...commonFields,
  type: z.literal('transform'),
  output: z.unknown().refine((v) => v !== undefined, 'is required'),
});

export const switchNodeSchema = z.strictObject({
  ...commonFields,
  type: z.literal('switch'),
  value: expressionSchema,
  cases: z.record(z.string(), z.array(nodeIdSchema)),
  default: z.array(nodeIdSchema).optional(),
});

export const approvalNodeSchema = z.strictObject({
  ...commonFields,
  type: z.literal('approval'),
  message: z.string().optional(),
  onTimeout: z.enum(['fail', 'approve', 'reject']).optional(),
  onReject: z.enum(['fail', 'continue']).optional(),
  autoApprove: expressionSchema.optional(),
});

export const sleepNodeSchema = z
  .strictObject({
    ...commonFields,
    type: z.literal('sleep'),
    duration: durationOrTemplate.optional(),
    until: expressionSchema.optional(),
  })
  .refine((n) => (n.duration === undefined) !== (n.until === undefined), 'give exactly one of duration or until');

export const mapNodeSchema = z
  .strictObject({
    ...commonFields,
    type: z.literal('map'),
    items: expressionSchema,
    node: childNode.optional(),
    workflow: workflowRefSchema.optional(),
    input: z.unknown().optional(),
    maxParallel: z.int().min(1).optional(),
    tolerateFailures: z.int().min(0).optional(),
  })
  .refine((n) => (n.node === undefined) !== (n.workflow === undefined), 'give exactly one of node or workflow');

export const loopNodeSchema = z.strictObject({
  ...commonFields,
  type: z.literal('loop'),
  nodes: z.array(childNode).min(1),
  until: expressionSchema,
  maxIterations: z.int().min(1),
  onLimit: z.enum(['fail', 'succeed']).optional(),
});

export const workflowNodeSchema = z.strictObject({
  ...commonFields,
  type: z.literal('workflow'),
  workflow: workflowRefSchema,
  input: z.unknown().optional(),
});

/** A plugin node type, `<plugin>.<type>` (the plugin's name, then its node type's key). */
export const PLUGIN_TYPE_PATTERN = /^[a-z][a-z0-9-]{0,31}\.[a-z][a-zA-Z0-9_-]{0,63}$/;

/**
 * A node of a plugin's type: the common fields, `cache`, and `config`, which the
 * validator checks against the plugin's own schema (a missing config as `{}`).
 */
export const pluginNodeSchema = z.strictObject({
  ...commonFields,
  type: z.string().regex(PLUGIN_TYPE_PATTERN, 'must be <plugin>.<type>'),
  config: z.unknown().optional(),
  cache: cacheSchema.optional(),
  execution: executionSchema.optional(),
});

/** The kinds of tool a definition's `tools` entry may be (exactly one each); MCP tools come from `mcp`. */
export const toolKinds = ['http', 'exec', 'workflow', 'plugin', 'agent'] as const;

/**
 * A named tool of `tools` (weft-agents 1). Its templates see `args`, `input`
 * and `run`. Exactly one kind; the validator reports otherwise as SCHEMA.
 */
export const toolSchema = z
  .strictObject({
    description: z.string().min(1),
    /** JSON Schema (`type: object`) of the arguments. */
    parameters: jsonSchemaObject,
    http: httpRequestSchema.optional(),
    exec: z.strictObject(execFields).optional(),
    workflow: workflowRefSchema.optional(),
    /** A `workflow` tool's input (templates over args); default: the args. */
    input: z.unknown().optional(),
    plugin: z.string().regex(PLUGIN_TYPE_PATTERN, 'must be <plugin>.<type>').optional(),
    /** A `plugin` tool's config (templates over args). */
    config: z.unknown().optional(),
    /** An `agent` tool: the profile run as a sub-agent. */
    agent: agentProfileNameSchema.optional(),
    /** An `agent` tool's prompt (templates over args); default: the args as JSON. */
    prompt: z.string().optional(),
    /** Whether a call waits for a person: true, or an expression over args, input and run. */
    approve: z.union([z.boolean(), expressionSchema]).optional(),
    approvalTimeout: durationSchema.optional(),
    retry: retrySchema.optional(),
    timeout: durationSchema.optional(),
    cache: cacheSchema.optional(),
  })
  .refine((t) => toolKinds.filter((k) => t[k] !== undefined).length === 1, `give exactly one of ${toolKinds.join(', ')}`);

/** A Model Context Protocol server (weft-agents 5): Streamable HTTP (`url`) or stdio (`command`). */
export const mcpServerSchema = z
  .strictObject({
    url: z.string().min(1).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    command: z.array(z.string()).min(1).optional(),
    env: z.record(z.string(), z.string()).optional(),
    /** Allow-list of its tools; default: every tool it lists. */
    tools: z.array(z.string().min(1)).optional(),
    /** Tools whose calls wait for a person, or true for all. */
    approve: z.union([z.boolean(), z.array(z.string().min(1))]).optional(),
    approvalTimeout: durationSchema.optional(),
    retry: retrySchema.optional(),
    timeout: durationSchema.optional(),
  })
  .refine((m) => (m.url === undefined) !== (m.command === undefined), 'give exactly one of url or command');

/** Schemas of the built-in node types, by type name. */
export const nodeSchemas = {
  agent: agentNodeSchema,
  http: httpNodeSchema,
  exec: execNodeSchema,
  transform: transformNodeSchema,
  switch: switchNodeSchema,
  approval: approvalNodeSchema,
  sleep: sleepNodeSchema,
  map: mapNodeSchema,
  loop: loopNodeSchema,
  workflow: workflowNodeSchema,
} as const;

export type BuiltinNodeType = keyof typeof nodeSchemas;

/** Every built-in node, as one union (types and the OpenAPI document). */
export const nodeSchema = z.union(Object.values(nodeSchemas) as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);

export const defaultsSchema = z.strictObject({
  retry: retrySchema.optional(),
  timeout: durationSchema.optional(),
  agent: agentOverrideSchema.optional(),
});

export const limitsSchema = z.strictObject({
  maxParallel: z.int().min(1).optional(),
  /** The run's task priority when it is started without one (src/dag/priority.ts). */
  priority: prioritySchema.optional(),
  budgetUsd: z.number().positive().optional(),
  timeout: durationSchema.optional(),
});

/** A whole definition. `nodes` are checked one by one by the validator. */
export const definitionSchema = z.strictObject({
  apiVersion: z.literal('weft/v1'),
  name: workflowNameSchema,
  description: z.string().optional(),
  input: jsonSchemaObject.optional(),
  defaults: defaultsSchema.optional(),
  limits: limitsSchema.optional(),
  /** Agent roles this definition adds to (or overrides in) the built-in library. */
  roles: z.record(z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must match [a-z][a-z0-9_-]{0,62}'), z.strictObject({ system: z.string().min(1) })).optional(),
  /** Named tools agent nodes may call (weft-agents 1). */
  tools: z.record(toolNameSchema, toolSchema).optional(),
  /** MCP servers whose tools agent nodes may call. */
  mcp: z.record(mcpServerNameSchema, mcpServerSchema).optional(),
  /** Reusable agent profiles, for `use:` and `agent` tools. */
  agents: z.record(agentProfileNameSchema, agentProfileSchema).optional(),
  nodes: z.array(childNode).min(1, 'a definition needs at least one node'),
  outputs: z.unknown().optional(),
});

/** The documented shape of a definition, with nodes typed (OpenAPI). */
export const documentedDefinitionSchema = definitionSchema.extend({ nodes: z.array(nodeSchema).min(1) });

export type RetrySpec = z.infer<typeof retrySchema>;
export type TriggerRule = (typeof triggerRules)[number];
export type OnFailureMode = (typeof onFailureModes)[number];
export type ExecutionMode = (typeof executionModes)[number];
export type AgentConfig = z.infer<typeof agentConfigSchema>;
export type AgentOverride = z.infer<typeof agentOverrideSchema>;
export type AgentTier = (typeof agentTiers)[number];
export type OfflineMock = z.infer<typeof offlineMockSchema>;
export type ScriptEntry = z.infer<typeof scriptEntrySchema>;
export type ToolChoice = (typeof toolChoices)[number];
export type Thinking = z.infer<typeof thinkingSchema>;
export type ToolKind = (typeof toolKinds)[number];
export type ToolSpec = z.infer<typeof toolSchema>;
export type McpServerSpec = z.infer<typeof mcpServerSchema>;
export type AgentProfile = z.infer<typeof agentProfileSchema>;
export type AgentNode = z.infer<typeof agentNodeSchema>;
export type HttpNode = z.infer<typeof httpNodeSchema>;
export type ExecNode = z.infer<typeof execNodeSchema>;
export type TransformNode = z.infer<typeof transformNodeSchema>;
export type SwitchNode = z.infer<typeof switchNodeSchema>;
export type ApprovalNode = z.infer<typeof approvalNodeSchema>;
export type SleepNode = z.infer<typeof sleepNodeSchema>;
export type WorkflowNode = z.infer<typeof workflowNodeSchema>;
/** A map node; its inline node is a node without `id` and `needs`. */
export type MapNode = Omit<z.infer<typeof mapNodeSchema>, 'node'> & { node?: InlineNode };
/** A loop node; its body is a DAG of its own. */
export type LoopNode = Omit<z.infer<typeof loopNodeSchema>, 'nodes'> & { nodes: NodeSpec[] };
/** A node of a plugin-registered type (`<plugin>.<type>`). */
export type PluginNode = Omit<z.infer<typeof pluginNodeSchema>, 'type'> & { type: `${string}.${string}` };

/** Any node of a valid definition. */
export type NodeSpec =
  | AgentNode
  | HttpNode
  | ExecNode
  | TransformNode
  | SwitchNode
  | ApprovalNode
  | SleepNode
  | MapNode
  | LoopNode
  | WorkflowNode
  | PluginNode;

/** `Omit` over each member of a union (plain `Omit` keeps only the keys all members share). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A map's inline node: any node without `id` and `needs`. */
export type InlineNode = DistributiveOmit<NodeSpec, 'id' | 'needs'>;

/** A valid definition. */
export type Definition = Omit<z.infer<typeof definitionSchema>, 'nodes'> & { nodes: NodeSpec[] };
export type Defaults = z.infer<typeof defaultsSchema>;
export type Limits = z.infer<typeof limitsSchema>;
