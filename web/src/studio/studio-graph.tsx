import { Background, Controls, Handle, Position, ReactFlow, type Connection, type Edge, type Node, type NodeChange, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { createContext, memo, useContext, useMemo, useRef, type DragEvent } from 'react';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH, type Positions } from '../run/layout';
import type { DraftNode } from './doc-edit';

/** The palette's drag data type: the node type dropped on the graph. */
export const PALETTE_MIME = 'application/x-weft-node-type';
/** Beyond this many nodes only what is on screen is drawn. */
const LARGE = 400;

type Data = { id: string; type: string; problem: 'error' | 'warning' | undefined; count: number };
type FlowNode = Node<Data>;

const Selection = createContext<{ selected: string | null; onSelect: (id: string) => void }>({ selected: null, onSelect: () => {} });

const StudioNode = memo(function StudioNode({ data }: NodeProps<FlowNode>) {
  const { selected, onSelect } = useContext(Selection);
  const { id, type, problem, count } = data;
  return (
    <div className={`dag-node studio-node${selected === id ? ' selected' : ''}${problem ? ` problem-${problem}` : ''}`} data-node-id={id} data-node-type={type} {...(problem ? { 'data-problem': problem } : {})} style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}>
      <Handle type="target" position={Position.Left} />
      <button type="button" className="dag-node-body" onClick={() => onSelect(id)} aria-pressed={selected === id} aria-label={`Node ${id}, ${type}${problem ? `, ${count} ${problem === 'error' ? 'problem' : 'warning'}${count > 1 ? 's' : ''}` : ''}`}>
        <span className="dag-node-id">{id}</span>
        <span className="dag-node-meta">{type}</span>
        {problem && <span className={`badge ${problem}`}>{problem === 'error' ? '⚠' : '!'} {count}</span>}
      </button>
      <Handle type="source" position={Position.Right} />
    </div>
  );
});
const nodeTypes = { studio: StudioNode };

/**
 * Every node's size and handles, given rather than measured: React Flow draws
 * a node whose handles it has not measured even when it is off screen, which
 * would draw all 2,000 nodes of a large definition once before culling them.
 */
const FIXED = {
  width: NODE_WIDTH,
  height: NODE_HEIGHT,
  handles: [
    { type: 'target' as const, position: Position.Left, x: -3, y: NODE_HEIGHT / 2 - 3, width: 6, height: 6 },
    { type: 'source' as const, position: Position.Right, x: NODE_WIDTH - 3, y: NODE_HEIGHT / 2 - 3, width: 6, height: 6 },
  ],
};

/** Columns by longest chain of needs and reads (a cycle, which the validator reports, is cut where it closes). */
export function levelsOf(nodes: readonly DraftNode[]): string[][] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const level = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    const known = level.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const n = byId.get(id)!;
    const parents = [...n.needs, ...n.reads].filter((p) => byId.has(p) && p !== id);
    const d = parents.length === 0 ? 0 : 1 + Math.max(...parents.map(depth));
    visiting.delete(id);
    level.set(id, d);
    return d;
  };
  const levels: string[][] = [];
  for (const n of nodes) (levels[depth(n.id)] ??= []).push(n.id);
  return levels.map((l) => l ?? []);
}

/** The plan-like nodes the layout takes. */
const planNodes = (nodes: readonly DraftNode[]) => nodes.map((n) => ({ id: n.id, type: n.type, needs: [...new Set([...n.needs, ...n.reads])] }));

/**
 * The draft's graph (React Flow): a node per `nodes` entry with its type and
 * problem badge (`data-problem`), edges for `needs` (solid) and
 * template reads (dashed). Connecting two nodes, dropping a palette
 * kind and selecting call back: the page turns them into text edits.
 */
export function StudioGraph(props: {
  nodes: readonly DraftNode[];
  problems: ReadonlyMap<string, { severity: 'error' | 'warning'; count: number }>;
  selected: string | null;
  onSelect: (id: string) => void;
  onConnect: (from: string, to: string) => void;
  onDropKind: (type: string) => void;
  moved: Positions;
  onMove: (id: string, at: { x: number; y: number }) => void;
}) {
  const { nodes, problems, selected, onSelect, onConnect, onDropKind, moved, onMove } = props;
  const large = nodes.length > LARGE;
  // Layout depends on the shape only: typing inside a node's fields does not move anything.
  const shape = nodes.map((n) => `${n.id}<${n.needs.join(',')}|${n.reads.join(',')}`).join(';');
  // `shape` stands for `nodes` here.
  const laid = useMemo(() => layoutGraph(planNodes(nodes), levelsOf(nodes)), [shape]);
  const cache = useRef(new Map<string, FlowNode>());
  const flowNodes = useMemo(() => {
    const next = new Map<string, FlowNode>();
    const list = nodes.map((n) => {
      const position = moved.get(n.id) ?? laid.get(n.id) ?? { x: 0, y: 0 };
      const p = problems.get(n.id);
      const before = cache.current.get(n.id);
      const same = before && before.position.x === position.x && before.position.y === position.y && before.data.type === n.type && before.data.problem === p?.severity && before.data.count === (p?.count ?? 0);
      const node: FlowNode = same ? before : { id: n.id, type: 'studio', position, ...FIXED, data: { id: n.id, type: n.type, problem: p?.severity, count: p?.count ?? 0 } };
      next.set(n.id, node);
      return node;
    });
    cache.current = next;
    return list;
  }, [nodes, laid, moved, problems]);
  const edges = useMemo<Edge[]>(
    () =>
      nodes.flatMap((n) => [
        ...n.needs.filter((f) => f !== n.id).map((from) => ({ id: `${from}->${n.id}`, source: from, target: n.id, })),
        ...n.reads.filter((f) => !n.needs.includes(f)).map((from) => ({ id: `${from}~>${n.id}`, source: from, target: n.id, className: 'reads' })),
      ]),
    [nodes],
  );
  const selection = useMemo(() => ({ selected, onSelect }), [selected, onSelect]);
  const drop = (e: DragEvent) => {
    const type = e.dataTransfer.getData(PALETTE_MIME);
    if (!type) return;
    e.preventDefault();
    onDropKind(type);
  };
  // Dragging moves a node on the graph only: positions are not part of the definition.
  const changed = (changes: NodeChange<FlowNode>[]) => {
    for (const c of changes) if (c.type === 'position' && c.position) onMove(c.id, c.position);
  };
  return (
    <Selection.Provider value={selection}>
      <div className="dag studio-graph" role="group" aria-label="Graph of the draft" onDragOver={(e) => e.dataTransfer.types.includes(PALETTE_MIME) && e.preventDefault()} onDrop={drop}>
        <ReactFlow
          nodes={flowNodes}
          edges={edges}
          nodeTypes={nodeTypes}
          nodesConnectable
          nodesFocusable={false}
          edgesFocusable={false}
          onConnect={(c: Connection) => c.source && c.target && onConnect(c.source, c.target)}
          onNodesChange={changed}
          deleteKeyCode={null}
          onlyRenderVisibleElements={large}
          {...(large ? { defaultViewport: { x: 16, y: 16, zoom: 1 } } : { fitView: true, fitViewOptions: { maxZoom: 1.1 } })}
          minZoom={0.05}
          proOptions={{ hideAttribution: true }}
        >
          <Background />
          <Controls showInteractive={false} />
        </ReactFlow>
      </div>
    </Selection.Provider>
  );
}
