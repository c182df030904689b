import { parseDuration } from './duration.js';
import { withProfiles } from './agent-profiles.js';
import type {
  AgentConfig,
  AgentNode,
  ApprovalNode,
  BuiltinNodeType,
  Definition,
  ExecNode,
  HttpNode,
  LoopNode,
  MapNode,
  NodeSpec,
  OnFailureMode,
  PluginNode,
  RetrySpec,
  SleepNode,
  SwitchNode,
  TransformNode,
  TriggerRule,
  WorkflowNode,
} from './schema.js';

/** A retry policy with every field set, durations in ms. */
export interface RetryPolicySpec {
  maxAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maxIntervalMs: number;
  nonRetryable: string[];
}

/** Contract 1.2: 3 attempts, 1s, ×2, at most 1m; never Temporal's unlimited default. */
export const DEFAULT_RETRY: RetryPolicySpec = {
  maxAttempts: 3,
  initialIntervalMs: 1_000,
  backoffCoefficient: 2,
  maxIntervalMs: 60_000,
  nonRetryable: [],
};

/** One attempt's limit when neither the node nor `defaults` sets `timeout`. */
export const DEFAULT_NODE_TIMEOUT_MS = 10 * 60_000;
/** `limits.maxParallel` when unset (contract 1). */
export const DEFAULT_MAX_PARALLEL = 16;

/** Each node kind and the spec of its nodes: built-in types by name, every `<plugin>.<type>` as `plugin`. */
export interface SpecByKind {
  agent: AgentNode;
  http: HttpNode;
  exec: ExecNode;
  transform: TransformNode;
  switch: SwitchNode;
  approval: ApprovalNode;
  sleep: SleepNode;
  map: MapNode;
  loop: LoopNode;
  workflow: WorkflowNode;
  plugin: PluginNode;
}

/** How the interpreter runs a node. */
export type NodeKind = keyof SpecByKind;

/** What every node ready to interpret has, whatever its kind: defaults merged, edges resolved. */
interface PlanNodeBase {
  id: string;
  index: number;
  /** Explicit needs plus the implicit need of a switch's branches on the switch. */
  needs: string[];
  dependents: string[];
  trigger: TriggerRule;
  onFailure: OnFailureMode;
  retry: RetryPolicySpec;
  timeoutMs: number;
  totalTimeoutMs: number | null;
}

/**
 * A node of kind `K` (or of any of the kinds `K` names): `kind` and `spec`
 * correlated, so a function keyed by kind gets its spec typed, without casts.
 */
export type PlanNodeOf<K extends NodeKind = NodeKind> = { [P in K]: PlanNodeBase & { kind: P; spec: SpecByKind[P] } }[K];

/** Any node ready to interpret. */
export type PlanNode = PlanNodeOf;

/** The kind a node type runs as: plugin types are the dotted ones (`slack.post`). */
export function kindOf(type: string): NodeKind {
  return type.includes('.') ? 'plugin' : (type as BuiltinNodeType);
}

export interface Plan {
  nodes: PlanNode[];
  byId: Map<string, PlanNode>;
  /** Nodes nothing depends on, in definition order: the default run output. */
  sinks: string[];
  maxParallel: number;
}

/** Merges defaults and resolves edges of a valid definition's top-level scope. */
export function compilePlan(definition: Definition): Plan {
  const nodes = compileScope(definition.nodes, definition.defaults, definition.agents);
  return {
    nodes,
    byId: new Map(nodes.map((n) => [n.id, n])),
    sinks: nodes.filter((n) => n.dependents.length === 0).map((n) => n.id),
    maxParallel: definition.limits?.maxParallel ?? DEFAULT_MAX_PARALLEL,
  };
}

/** Compiles one id scope (the top level, or a loop body). */
export function compileScope(specs: NodeSpec[], defaults: Definition['defaults'], profiles?: Definition['agents']): PlanNode[] {
  const implicit = new Map<string, string[]>();
  for (const spec of specs) {
    if (spec.type !== 'switch') continue;
    const targets = [...Object.values(spec.cases).flat(), ...(spec.default ?? [])];
    for (const target of new Set(targets)) implicit.set(target, [...(implicit.get(target) ?? []), spec.id]);
  }
  const nodes: PlanNode[] = specs.map((raw, index) => {
    const spec = mergeDefaults(raw, defaults, profiles);
    const timeout = spec.timeout ?? defaults?.timeout;
    const needs = [...new Set([...(spec.needs ?? []), ...(implicit.get(spec.id) ?? [])])];
    // kindOf is the one place that pairs a type with its kind; TypeScript cannot correlate the two fields of the union.
    return {
      id: spec.id,
      index,
      kind: kindOf(spec.type),
      spec,
      needs,
      dependents: [],
      trigger: spec.trigger ?? 'none_failed',
      onFailure: spec.onFailure ?? 'fail',
      retry: retryPolicy(defaults?.retry, spec.retry),
      timeoutMs: timeout ? parseDuration(timeout) : DEFAULT_NODE_TIMEOUT_MS,
      totalTimeoutMs: spec.totalTimeout ? parseDuration(spec.totalTimeout) : null,
    } as PlanNode;
  });
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const node of nodes) for (const need of node.needs) byId.get(need)?.dependents.push(node.id);
  return nodes;
}

/**
 * An agent node's config over what it builds on: `defaults.agent`, then the
 * profile it `use`s (weft-agents 1), then its own fields.
 */
function mergeDefaults(spec: NodeSpec, defaults: Definition['defaults'], profiles: Definition['agents']): NodeSpec {
  if (spec.type !== 'agent' || (!defaults?.agent && spec.agent.use === undefined)) return spec;
  return { ...spec, agent: { ...defaults?.agent, ...withProfiles(profiles, spec.agent) } as AgentConfig };
}

/** Resolves a node's retry policy over the definition's defaults and the contract's. */
export function retryPolicy(...layers: (RetrySpec | undefined)[]): RetryPolicySpec {
  const policy = { ...DEFAULT_RETRY, nonRetryable: [...DEFAULT_RETRY.nonRetryable] };
  for (const layer of layers) {
    if (!layer) continue;
    if (layer.maxAttempts !== undefined) policy.maxAttempts = layer.maxAttempts;
    if (layer.initialInterval !== undefined) policy.initialIntervalMs = parseDuration(layer.initialInterval);
    if (layer.backoffCoefficient !== undefined) policy.backoffCoefficient = layer.backoffCoefficient;
    if (layer.maxInterval !== undefined) policy.maxIntervalMs = parseDuration(layer.maxInterval);
    if (layer.nonRetryable !== undefined) policy.nonRetryable = [...layer.nonRetryable];
  }
  policy.maxIntervalMs = Math.max(policy.maxIntervalMs, policy.initialIntervalMs);
  return policy;
}

/** A definition's nodes grouped in dependency levels, for people and the validate endpoint. */
export function planLevels(plan: Plan): string[][] {
  const level = new Map<string, number>();
  for (const node of plan.nodes) {
    // Definition order is not topological in general, so resolve lazily.
    resolveLevel(node.id, plan, level);
  }
  const levels: string[][] = [];
  for (const node of plan.nodes) {
    const l = level.get(node.id) ?? 0;
    (levels[l] ??= []).push(node.id);
  }
  return levels;
}

function resolveLevel(id: string, plan: Plan, level: Map<string, number>): number {
  const stack: string[] = [id];
  while (stack.length > 0) {
    const current = stack[stack.length - 1]!;
    if (level.has(current)) {
      stack.pop();
      continue;
    }
    const needs = plan.byId.get(current)?.needs ?? [];
    const missing = needs.filter((n) => !level.has(n));
    if (missing.length > 0) {
      stack.push(...missing);
      continue;
    }
    level.set(current, needs.length === 0 ? 0 : Math.max(...needs.map((n) => level.get(n)!)) + 1);
    stack.pop();
  }
  return level.get(id)!;
}
