import { Background, Controls, Handle, MiniMap, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { memo, useMemo } from 'react';
import type { NodeStatus } from '../api/types';
import { duration, percent, usd } from '../format';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH } from './layout';
import type { PlanNode } from './use-plan';

/** What the graph shows on one node besides its id and type. */
export interface NodeView {
  status?: NodeStatus;
  costUsd?: number | null;
  attempts?: number;
  progress?: { done: number; total: number };
  critical?: boolean;
  /** Across runs of the workflow (analytics): p95 duration and success rate. */
  stats?: { p95Ms: number | null; successRate: number };
}

type FlowData = { id: string; type: string; view: NodeView; selected: boolean; onSelect?: (id: string) => void };
/** Beyond this many nodes the graph starts at the top left at full size, drawing only what is on screen. */
const LARGE = 400;

const DagNode = memo(function DagNode({ data }: NodeProps<Node<FlowData>>) {
  const { id, type, view, selected, onSelect } = data;
  const status = view.status ?? 'pending';
  return (
    <div className={`dag-node s-${status}${view.critical ? ' critical' : ''}${selected ? ' selected' : ''}`} data-node-id={id} data-status={status} style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}>
      <Handle type="target" position={Position.Left} />
      <button type="button" className="dag-node-body" onClick={() => onSelect?.(id)} aria-label={`Node ${id}, ${type}, ${status}`} aria-pressed={selected} disabled={!onSelect}>
        <span className="dag-node-id">{id}</span>
        <span className="dag-node-meta">
          {type} · {status}
          {view.attempts && view.attempts > 1 ? ` · ${view.attempts} attempts` : ''}
        </span>
        <span className="dag-node-meta">
          {view.costUsd !== undefined && view.costUsd !== null && view.costUsd > 0 ? usd(view.costUsd) : ''}
          {view.progress ? ` ${view.progress.done}/${view.progress.total}` : ''}
          {view.stats ? ` p95 ${duration(view.stats.p95Ms)} · ${percent(view.stats.successRate)} ok` : ''}
        </span>
      </button>
      <Handle type="source" position={Position.Right} />
    </div>
  );
});

const nodeTypes = { weft: DagNode };

/**
 * A DAG with React Flow: nodes in layered columns (`layout.ts`), edges by
 * `needs`, each node element carrying `data-node-id` and `data-status`
 * (weft-ops §11). Large graphs render only the visible nodes.
 */
export function DagGraph({ nodes, levels, views, selected, onSelect, label }: { nodes: PlanNode[]; levels: string[][]; views: Record<string, NodeView>; selected?: string | null; onSelect?: (id: string) => void; label: string }) {
  const large = nodes.length > LARGE;
  const positions = useMemo(() => layoutGraph(nodes, levels), [nodes, levels]);

  const flowNodes = useMemo<Node<FlowData>[]>(
    () => nodes.map((n) => ({ id: n.id, type: 'weft', position: positions.get(n.id) ?? { x: 0, y: 0 }, data: { id: n.id, type: n.type, view: views[n.id] ?? {}, selected: selected === n.id, ...(onSelect ? { onSelect } : {}) }, draggable: false, connectable: false })),
    [nodes, positions, views, selected, onSelect],
  );
  const edges = useMemo<Edge[]>(
    () => nodes.flatMap((n) => n.needs.map((from) => ({ id: `${from}->${n.id}`, source: from, target: n.id, className: views[from]?.critical && views[n.id]?.critical ? 'critical' : '' }))),
    [nodes, views],
  );
  return (
    <div className="dag" role="group" aria-label={label}>
      <ReactFlow
        nodes={flowNodes}
        edges={edges}
        nodeTypes={nodeTypes}
        nodesDraggable={false}
        nodesConnectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        onlyRenderVisibleElements={large}
        {...(large ? { defaultViewport: { x: 16, y: 16, zoom: 1 } } : { fitView: true, fitViewOptions: { maxZoom: 1.1 } })}
        minZoom={0.05}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls showInteractive={false} />
        {!large && <MiniMap pannable zoomable />}
      </ReactFlow>
    </div>
  );
}
