/** What expressions see of one node: `nodes.<id>.output` and `nodes.<id>.status`. */
export interface NodeView {
  output: unknown;
  status: string;
}

/** Every node an expression may read, by id. */
export type NodesView = Record<string, NodeView>;

/**
 * What a child run (a loop iteration, a batch of map items) inherits from the
 * run that started it, to bind in its own expressions.
 */
export interface InheritedBindings {
  /** The enclosing run's nodes that the child run's nodes may read. */
  outerNodes: NodesView;
  /** Names every node of the child run sees (a loop's `iteration` and `previous`). */
  vars?: Record<string, unknown>;
  /** Names per node (a map item's `item` and `index`). */
  nodeVars?: Record<string, Record<string, unknown>>;
}

/** Who the run is, as expressions see it under `run`. */
export interface RunIdentity {
  /** The run id; a child run reports its parent's. */
  id: string;
  workflow: string;
  version: number | null;
}
