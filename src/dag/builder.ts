import type {
  AgentConfig,
  AgentNode,
  ApprovalNode,
  Definition,
  ExecNode,
  HttpNode,
  InlineNode,
  LoopNode,
  MapNode,
  NodeSpec,
  SleepNode,
  SwitchNode,
  TransformNode,
} from './schema.js';

/** Fields every node may have; `needs` only names nodes already added. */
export type NodeOptions<Ids extends string> = Partial<Pick<AgentNode, 'title' | 'description' | 'tags' | 'when' | 'trigger' | 'retry' | 'timeout' | 'totalTimeout' | 'onFailure'>> & {
  needs?: Ids[];
};

type Head = Omit<Definition, 'apiVersion' | 'name' | 'nodes'>;

/**
 * Builds a definition in TypeScript: `workflow('review').agent('a', {...}).transform('b', ..., { needs: ['a'] }).build()`.
 * The ids added so far are part of the type, so `needs` can only name nodes that
 * exist. `build()` gives the definition to post or validate (`validateDefinition`).
 */
export class WorkflowBuilder<Ids extends string = never> {
  private readonly nodes: NodeSpec[] = [];
  private outputsValue: unknown;

  constructor(
    private readonly name: string,
    private readonly head: Head = {},
  ) {}

  private add<Id extends string>(node: NodeSpec): WorkflowBuilder<Ids | Id> {
    this.nodes.push(node);
    return this as unknown as WorkflowBuilder<Ids | Id>;
  }

  agent<Id extends string>(id: Id, agent: AgentConfig, options: NodeOptions<Ids> & Pick<AgentNode, 'fallback' | 'cache'> = {}) {
    return this.add<Id>({ id, type: 'agent', agent, ...options });
  }

  transform<Id extends string>(id: Id, output: TransformNode['output'], options: NodeOptions<Ids> = {}) {
    return this.add<Id>({ id, type: 'transform', output, ...options });
  }

  http<Id extends string>(id: Id, request: HttpNode['request'], options: NodeOptions<Ids> & Pick<HttpNode, 'expectStatus' | 'cache'> = {}) {
    return this.add<Id>({ id, type: 'http', request, ...options });
  }

  exec<Id extends string>(id: Id, command: string[], options: NodeOptions<Ids> & Partial<Pick<ExecNode, 'cwd' | 'env' | 'stdin' | 'policy'>> = {}) {
    return this.add<Id>({ id, type: 'exec', command, ...options });
  }

  /** `cases` and `default` name nodes added later; they implicitly need the switch. */
  switch<Id extends string>(id: Id, value: string, cases: SwitchNode['cases'], options: NodeOptions<Ids> & Pick<SwitchNode, 'default'> = {}) {
    return this.add<Id>({ id, type: 'switch', value, cases, ...options });
  }

  approval<Id extends string>(id: Id, options: NodeOptions<Ids> & Partial<Pick<ApprovalNode, 'message' | 'onTimeout' | 'onReject' | 'autoApprove'>> = {}) {
    return this.add<Id>({ id, type: 'approval', ...options });
  }

  sleep<Id extends string>(id: Id, wait: Pick<SleepNode, 'duration'> | Pick<SleepNode, 'until'>, options: NodeOptions<Ids> = {}) {
    const node: SleepNode = { id, type: 'sleep', ...wait, ...options };
    return this.add<Id>(node);
  }

  /** A node per item: `{ node: {...} }` inline, or `{ workflow: 'name[@version]', input }` as a child run. */
  map<Id extends string>(
    id: Id,
    items: string,
    body: { node: InlineNode } | { workflow: string; input?: unknown },
    options: NodeOptions<Ids> & Partial<Pick<MapNode, 'maxParallel' | 'tolerateFailures'>> = {},
  ) {
    const node: MapNode = { id, type: 'map', items, ...body, ...options };
    return this.add<Id>(node);
  }

  /** A sub-DAG repeated until `until` holds; the body is built with a builder of its own. */
  loop<Id extends string>(
    id: Id,
    loop: Pick<LoopNode, 'until' | 'maxIterations'> & Partial<Pick<LoopNode, 'onLimit'>>,
    body: (scope: WorkflowBuilder) => WorkflowBuilder<string>,
    options: NodeOptions<Ids> = {},
  ) {
    const nodes = body(new WorkflowBuilder(`${this.name}-${id}`)).nodes;
    return this.add<Id>({ id, type: 'loop', ...loop, nodes, ...options });
  }

  /** A child run of a stored workflow (`name` or `name@version`). */
  subworkflow<Id extends string>(id: Id, workflow: string, options: NodeOptions<Ids> & { input?: unknown } = {}) {
    return this.add<Id>({ id, type: 'workflow', workflow, ...options });
  }

  outputs(outputs: unknown): this {
    this.outputsValue = outputs;
    return this;
  }

  build(): Definition {
    return {
      apiVersion: 'weft/v1',
      name: this.name,
      ...this.head,
      nodes: structuredClone(this.nodes),
      ...(this.outputsValue === undefined ? {} : { outputs: structuredClone(this.outputsValue) }),
    };
  }
}

/** Starts a definition named `name` (`[a-z0-9][a-z0-9-]{0,62}`). */
export function workflow(name: string, head?: Head): WorkflowBuilder {
  return new WorkflowBuilder(name, head);
}
