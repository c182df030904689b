import type { Edge, Node, NodeProps } from '@xyflow/react';
import { createContext, memo, useContext, useMemo, useRef } from 'react';
import type { NodeStatus } from '../api/types';
import { duration, percent, usd } from '../format';
import { GraphCanvas, NodeFrame } from './graph-canvas';
import { layoutGraph, type PlanNode } from './layout';

/** What the graph shows on one node besides its id and type. */
export interface NodeView {
  status?: NodeStatus;
  costUsd?: number | null;
  attempts?: number;
  progress?: { done: number; total: number };
  /** An agent loop's turn and tool calls so far. */
  agent?: { turn: number; toolCalls: number };
  critical?: boolean;
  /** Across runs of the workflow (analytics): p95 duration and success rate. */
  stats?: { p95Ms: number | null; successRate: number };
}

type FlowData = { id: string; type: string; view: NodeView };
type FlowNode = Node<FlowData>;

/**
 * The selection reaches the drawn nodes by context, not through their data:
 * selecting a node then re-renders the few nodes on screen, not 10,000 node
 * objects that React Flow would compare and re-measure.
 */
const Selection = createContext<{ selected: string | null; onSelect: ((id: string) => void) | undefined }>({ selected: null, onSelect: undefined });

const DagNode = memo(function DagNode({ data }: NodeProps<FlowNode>) {
  const { id, type, view } = data;
  const { selected: current, onSelect } = useContext(Selection);
  const selected = current === id;
  const status = view.status ?? 'pending';
  return (
    <NodeFrame className={`s-${status}${view.critical ? ' critical' : ''}${selected ? ' selected' : ''}`} attrs={{ 'data-node-id': id, 'data-status': status }} label={`Node ${id}, ${type}, ${status}`} pressed={selected} onPress={onSelect && (() => onSelect(id))}>
      <span className="dag-node-id">{id}</span>
      <span className="dag-node-meta">
        {type}
        {view.status ? ` · ${status}` : ''}
        {view.attempts && view.attempts > 1 ? ` · ${view.attempts} attempts` : ''}
      </span>
      <span className="dag-node-meta">
        {view.costUsd !== undefined && view.costUsd !== null && view.costUsd > 0 ? usd(view.costUsd) : ''}
        {view.progress ? ` ${view.progress.done}/${view.progress.total}` : ''}
        {view.agent ? <span data-agent-turn={view.agent.turn}>{` turn ${view.agent.turn} · ${view.agent.toolCalls} call${view.agent.toolCalls === 1 ? '' : 's'}`}</span> : ''}
        {view.stats ? ` p95 ${duration(view.stats.p95Ms)} · ${percent(view.stats.successRate)} ok` : ''}
      </span>
    </NodeFrame>
  );
});

const nodeTypes = { weft: DagNode };
const NO_VIEW: NodeView = {};

/**
 * A DAG with React Flow: nodes in layered columns (`layout.ts`), edges by
 * `needs`, each node element carrying `data-node-id` and `data-status`
 * (weft-ops §11). Large graphs render only the visible nodes.
 */
export function DagGraph({ nodes, levels, views, selected, onSelect, label }: { nodes: PlanNode[]; levels: string[][]; views: Record<string, NodeView>; selected?: string | null; onSelect?: (id: string) => void; label: string }) {
  const positions = useMemo(() => layoutGraph(nodes, levels), [nodes, levels]);

  // A node object is reused while its view and place are the same, so React Flow skips it (it compares node objects by identity).
  const cache = useRef(new Map<string, FlowNode>());
  const flowNodes = useMemo<FlowNode[]>(() => {
    const next = new Map<string, FlowNode>();
    const list = nodes.map((n) => {
      const position = positions.get(n.id) ?? { x: 0, y: 0 };
      const view = views[n.id] ?? NO_VIEW;
      const before = cache.current.get(n.id);
      const node = before && before.data.view === view && before.position.x === position.x && before.position.y === position.y && before.data.type === n.type ? before : { id: n.id, type: 'weft', position, data: { id: n.id, type: n.type, view }, draggable: false, connectable: false };
      next.set(n.id, node);
      return node;
    });
    cache.current = next;
    return list;
  }, [nodes, positions, views]);
  // Edges change only when the critical path does (once, when the run ends), not on every node event.
  const critical = nodes.filter((n) => views[n.id]?.critical).map((n) => n.id).join(' ');
  const edges = useMemo<Edge[]>(() => {
    const onPath = new Set(critical.split(' '));
    return nodes.flatMap((n) => n.needs.map((from) => ({ id: `${from}->${n.id}`, source: from, target: n.id, ...(onPath.has(from) && onPath.has(n.id) ? { className: 'critical' } : {}) })));
  }, [nodes, critical]);
  const selection = useMemo(() => ({ selected: selected ?? null, onSelect }), [selected, onSelect]);
  return (
    <Selection.Provider value={selection}>
      <GraphCanvas<FlowNode, Edge> label={label} nodes={flowNodes} edges={edges} nodeTypes={nodeTypes} nodesDraggable={false} nodesConnectable={false} edgesFocusable={false} />
    </Selection.Provider>
  );
}
