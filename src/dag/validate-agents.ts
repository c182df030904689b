import { findCycles } from './graph-cycles.js';
import { profileChain, withProfiles } from './agent-profiles.js';
import { modelDeprecation } from './model-deprecations.js';
import { AGENT_LOOP_LIMITS } from './agent-limits.js';
import { PLUGIN_TYPE_PATTERN } from './schema.js';
import { checkExpression, checkTemplates, type HiddenRoots } from './validate-expressions.js';
import { ValidationCode, WarningCode, checkStoredWorkflow, isRecord, pointer, type IssueSink, type ValidateOptions } from './validation-issues.js';

/**
 * The agent DSL's validation (weft-agents 2): tools, MCP servers and agent
 * profiles, and what agent configs (nodes, fallbacks, defaults.agent, profiles)
 * say about them. MCP servers are not contacted: `mcp.<server>` counts as one
 * tool, and a server without an allow-list may offer any `mcp.<server>.<tool>`.
 */

type Raw = Record<string, unknown>;

/** Roots of a node's scope that tools never see (weft-agents 1: `args`, `input`, `run`). */
const NODE_ONLY_ROOTS = ['nodes', 'item', 'index', 'iteration', 'previous'] as const;
const TOOL_SCOPE: HiddenRoots = { roots: NODE_ONLY_ROOTS, why: "a tool's templates see args, input and run" };
const MCP_SCOPE: HiddenRoots = { roots: ['args', ...NODE_ONLY_ROOTS], why: "an MCP server's templates see input and run" };
/** Fields of a tool that hold templates; the others are literal or a bare expression (`approve`). */
const TOOL_TEMPLATE_FIELDS = ['http', 'exec', 'input', 'config', 'prompt'] as const;
const MCP_TEMPLATE_FIELDS = ['url', 'headers', 'command', 'env'] as const;

/** What an entry of an agent's `tools` names. */
type ToolRef = { kind: 'tool'; spec: Raw } | { kind: 'mcp' } | { kind: 'unknown'; message: string };

/** One call of a profile by another through an agent tool, and where the calling entry is written. */
interface Call {
  profile: string;
  path: string;
}

function records(value: unknown): Record<string, Raw> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, Raw] => isRecord(entry[1])));
}

/** Checks an agent definition's tools, MCP servers and profiles, and the agent configs that use them. */
export class AgentChecks {
  private readonly tools: Record<string, Raw>;
  private readonly mcp: Record<string, Raw>;
  private readonly agents: Record<string, Raw>;
  private readonly defaultAgent: Raw;
  /** Longest chain of sub-agents from each profile (itself first), memoised. */
  private readonly chains = new Map<string, string[]>();

  constructor(
    doc: Raw,
    private readonly out: IssueSink,
    private readonly options: ValidateOptions,
  ) {
    this.tools = records(doc.tools);
    this.mcp = records(doc.mcp);
    this.agents = records(doc.agents);
    this.defaultAgent = isRecord(doc.defaults) && isRecord(doc.defaults.agent) ? doc.defaults.agent : {};
  }

  /** Checks `tools`, `mcp`, `agents` and `defaults.agent`, and cycles among profiles. */
  checkDefinition(): void {
    for (const [name, tool] of Object.entries(this.tools)) this.checkTool(name, tool);
    for (const [name, server] of Object.entries(this.mcp)) {
      for (const field of MCP_TEMPLATE_FIELDS) checkTemplates(server[field], pointer('/mcp', name, field), () => true, this.out, false, MCP_SCOPE);
    }
    for (const [name, profile] of Object.entries(this.agents)) {
      const base = pointer('/agents', name);
      // A profile serves several nodes, so which nodes it may read is not known here.
      checkTemplates(profile, base, () => true, this.out);
      this.checkConfig(profile, base, this.defaultAgent);
    }
    this.checkConfig(this.defaultAgent, '/defaults/agent', {});
    this.reportCycles();
  }

  /** Checks an agent node's `agent` and `fallback` entries. */
  checkNode(raw: Raw, path: string): void {
    if (!isRecord(raw.agent)) return;
    this.checkConfig(raw.agent, pointer(path, 'agent'), this.defaultAgent);
    const primary = { ...this.defaultAgent, ...this.withProfiles(raw.agent) };
    if (Array.isArray(raw.fallback)) raw.fallback.forEach((entry, i) => isRecord(entry) && this.checkConfig(entry, pointer(path, 'fallback', i), primary));
  }

  /** An agent config's fields over those of the profiles it `use`s (its own win, then the nearest profile's). */
  withProfiles(config: Raw): Raw {
    return withProfiles(this.agents, config);
  }

  private checkTool(name: string, tool: Raw): void {
    const base = pointer('/tools', name);
    const parameters = tool.parameters;
    if (isRecord(parameters)) {
      const problem = parameters.type !== 'object' ? 'must be a JSON Schema with type: object' : this.options.jsonSchemaProblem?.(parameters);
      if (problem) this.out.add(ValidationCode.Schema, pointer(base, 'parameters'), `parameters ${problem.startsWith('must') ? problem : `is not a valid JSON Schema: ${problem}`}`);
    }
    for (const field of TOOL_TEMPLATE_FIELDS) checkTemplates(tool[field], pointer(base, field), () => true, this.out, false, TOOL_SCOPE);
    if (typeof tool.approve === 'string') checkExpression(tool.approve, pointer(base, 'approve'), () => true, this.out, false, TOOL_SCOPE);
    if (typeof tool.workflow === 'string') checkStoredWorkflow(tool.workflow, pointer(base, 'workflow'), this.out, this.options);
    if (typeof tool.plugin === 'string' && PLUGIN_TYPE_PATTERN.test(tool.plugin)) this.checkPluginTool(tool.plugin, tool.config, base);
    if (typeof tool.agent === 'string') {
      const at = pointer(base, 'agent');
      if (!Object.hasOwn(this.agents, tool.agent)) {
        this.out.add(ValidationCode.UnknownAgent, at, `no profile ${tool.agent} in agents`);
      } else if ({ ...this.defaultAgent, ...this.withProfiles({ use: tool.agent }) }.provider === undefined) {
        this.out.add(ValidationCode.Schema, at, `profile ${tool.agent} runs as a sub-agent and needs a provider (on it, a profile it uses, or defaults.agent)`);
      }
    }
  }

  private checkPluginTool(type: string, config: unknown, base: string): void {
    const plugins = this.options.plugins;
    if (!plugins?.has(type)) {
      this.out.add(ValidationCode.UnknownType, pointer(base, 'plugin'), `unknown plugin node type ${type} (loaded plugins: ${plugins?.names().join(', ') || 'none'})`);
      return;
    }
    // As for plugin nodes: values that are templates (over args here) are checked when the call runs.
    const at = pointer(base, 'config');
    for (const issue of plugins.checkConfig(type, config)) this.out.add(ValidationCode.Schema, at + issue.path, issue.message);
  }

  /** Checks one agent config wherever it is written (over `inherited`, the config it overrides): its profile, model, tools and limits. */
  private checkConfig(config: Raw, base: string, inherited: Raw): void {
    const deprecation = modelDeprecation({ ...inherited, ...this.withProfiles(config) }.provider, config.model);
    if (deprecation) {
      const instead = deprecation.replacement ? `; move to ${deprecation.replacement}` : '';
      this.out.warnings.push({
        code: WarningCode.ModelDeprecated,
        path: pointer(base, 'model'),
        message: `${config.model as string} is deprecated by ${deprecation.vendor}: end of life ${deprecation.endOfLife}${instead}`,
      });
    }
    if (typeof config.use === 'string' && !Object.hasOwn(this.agents, config.use)) {
      this.out.add(ValidationCode.UnknownAgent, pointer(base, 'use'), `no profile ${config.use} in agents`);
    }
    for (const field of ['maxTurns', 'maxToolCalls'] as const) {
      const value = config[field];
      if (typeof value === 'number' && value > AGENT_LOOP_LIMITS[field]) this.out.add(ValidationCode.Limit, pointer(base, field), `${field} is at most ${AGENT_LOOP_LIMITS[field]}`);
    }
    if (!Array.isArray(config.tools)) return;
    if (config.tools.length > AGENT_LOOP_LIMITS.toolsPerNode) {
      this.out.add(ValidationCode.Limit, pointer(base, 'tools'), `an agent lists at most ${AGENT_LOOP_LIMITS.toolsPerNode} tools (an MCP server counts as one), this one ${config.tools.length}`);
    }
    config.tools.forEach((entry, i) => {
      if (typeof entry !== 'string') return;
      const at = pointer(base, 'tools', i);
      const ref = this.resolve(entry);
      if (ref.kind === 'unknown') this.out.add(ValidationCode.UnknownTool, at, ref.message);
      const profile = ref.kind === 'tool' ? ref.spec.agent : undefined;
      if (typeof profile !== 'string' || !Object.hasOwn(this.agents, profile)) return;
      const chain = this.chainFrom(profile);
      if (chain.length > AGENT_LOOP_LIMITS.subAgentDepth) {
        this.out.add(ValidationCode.Limit, at, `sub-agents nest ${chain.length} deep through ${entry} (${chain.join(' -> ')}); at most ${AGENT_LOOP_LIMITS.subAgentDepth}`);
      }
    });
  }

  private resolve(entry: string): ToolRef {
    if (!entry.startsWith('mcp.')) {
      const spec = this.tools[entry];
      return Object.hasOwn(this.tools, entry) && spec ? { kind: 'tool', spec } : { kind: 'unknown', message: `no tool ${entry} in tools` };
    }
    const rest = entry.slice('mcp.'.length);
    const dot = rest.indexOf('.');
    const server = dot < 0 ? rest : rest.slice(0, dot);
    const spec = this.mcp[server];
    if (!Object.hasOwn(this.mcp, server) || !spec) return { kind: 'unknown', message: `no MCP server ${server} in mcp` };
    const allowed = spec.tools;
    if (dot >= 0 && Array.isArray(allowed) && !allowed.includes(rest.slice(dot + 1))) {
      return { kind: 'unknown', message: `MCP server ${server} does not allow ${rest.slice(dot + 1)} (its tools: ${allowed.join(', ')})` };
    }
    return { kind: 'mcp' };
  }

  /** The profiles a `use` leads through, nearest first; stops at an unknown name or a repeat (a cycle, reported apart). */
  private profileChain(use: unknown): string[] {
    return profileChain(this.agents, use);
  }

  /** The profiles a profile calls through agent tools, from the `tools` it has or inherits by `use`. */
  private calls(profile: string): Call[] {
    const owner = this.profileChain(profile).find((name) => Array.isArray(this.agents[name]!.tools));
    if (owner === undefined) return [];
    const calls: Call[] = [];
    (this.agents[owner]!.tools as unknown[]).forEach((entry, i) => {
      const ref = typeof entry === 'string' ? this.resolve(entry) : undefined;
      const callee = ref?.kind === 'tool' ? ref.spec.agent : undefined;
      if (typeof callee === 'string' && Object.hasOwn(this.agents, callee)) calls.push({ profile: callee, path: pointer('/agents', owner, 'tools', i) });
    });
    return calls;
  }

  /** The longest chain of sub-agents starting with `profile` (a cycle ends a chain; it is reported apart). */
  private chainFrom(profile: string, visiting = new Set<string>()): string[] {
    const known = this.chains.get(profile);
    if (known) return known;
    if (visiting.has(profile)) return [];
    visiting.add(profile);
    let longest: string[] = [];
    for (const call of this.calls(profile)) {
      const below = this.chainFrom(call.profile, visiting);
      if (below.length > longest.length) longest = below;
    }
    visiting.delete(profile);
    const chain = [profile, ...longest];
    this.chains.set(profile, chain);
    return chain;
  }

  private reportCycles(): void {
    const uses = new Map(Object.entries(this.agents).map(([name, p]) => [name, typeof p.use === 'string' && Object.hasOwn(this.agents, p.use) ? [p.use] : []]));
    for (const cycle of findCycles(uses)) {
      this.out.add(ValidationCode.Cycle, pointer('/agents', cycle[0]!, 'use'), `profiles use each other: ${cycle.join(' -> ')}`);
    }
    const calls = new Map(Object.keys(this.agents).map((name) => [name, this.calls(name)]));
    const edges = new Map([...calls].map(([name, list]) => [name, list.map((c) => c.profile)]));
    for (const cycle of findCycles(edges)) {
      const first = calls.get(cycle[0]!)!.find((c) => c.profile === cycle[1]);
      this.out.add(ValidationCode.Cycle, first!.path, `profiles call each other through agent tools: ${cycle.join(' -> ')}`);
    }
  }
}
