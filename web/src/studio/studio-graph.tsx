import { Position, type Connection, type Edge, type EdgeChange, type EdgeSelectionChange, type Node, type NodeChange, type NodeProps } from '@xyflow/react';
import { createContext, memo, useContext, useMemo, useRef, type DragEvent } from 'react';
import { GraphCanvas, NodeFrame } from '../run/graph-canvas';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH, type Positions } from '../run/layout';
import type { DraftNode } from './doc-edit';

/** The palette's drag data type: the node type dropped on the graph. */
export const PALETTE_MIME = 'application/x-weft-node-type';

/** A `needs` entry drawn as an edge: `to` needs `from`. */
export interface NeedsEdge {
  from: string;
  to: string;
}

type Data = { id: string; type: string; problem: 'error' | 'warning' | undefined; count: number };
type FlowNode = Node<Data>;

const Selection = createContext<{ selected: string | null; onSelect: (id: string) => void }>({ selected: null, onSelect: () => {} });

const StudioNode = memo(function StudioNode({ data }: NodeProps<FlowNode>) {
  const { selected, onSelect } = useContext(Selection);
  const { id, type, problem, count } = data;
  return (
    <NodeFrame
      className={`studio-node${selected === id ? ' selected' : ''}${problem ? ` problem-${problem}` : ''}`}
      attrs={{ 'data-node-id': id, 'data-node-type': type, ...(problem ? { 'data-problem': problem } : {}) }}
      label={`Node ${id}, ${type}${problem ? `, ${count} ${problem === 'error' ? 'problem' : 'warning'}${count > 1 ? 's' : ''}` : ''}`}
      pressed={selected === id}
      onPress={() => onSelect(id)}
    >
      <span className="dag-node-id">{id}</span>
      <span className="dag-node-meta">{type}</span>
      {problem && <span className={`badge ${problem}`}>{problem === 'error' ? '⚠' : '!'} {count}</span>}
    </NodeFrame>
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
  // A cycle can leave a level empty: a hole, which `map` would keep (and the layout then read as a column).
  return Array.from(levels, (l) => l ?? []);
}

/** The plan-like nodes the layout takes. */
const planNodes = (nodes: readonly DraftNode[]) => nodes.map((n) => ({ id: n.id, type: n.type, needs: [...new Set([...n.needs, ...n.reads])] }));

/** The edge id of a `needs` entry; `data` carries the pair, so no id is parsed back. */
const needsEdgeId = (e: NeedsEdge) => `${e.from}->${e.to}`;
type FlowEdge = Edge<{ needs?: NeedsEdge }>;

/**
 * The draft's graph (React Flow): a node per `nodes` entry with its type and
 * problem badge (`data-problem`), edges for `needs` (solid, focusable and
 * selectable: click, or Enter on a focused edge) and template reads (dashed,
 * neither: they are not `needs` entries to remove). Connecting two nodes,
 * dropping a palette kind, selecting a node or a `needs` edge call back: the
 * page turns them into text edits. Keys are the page's (it owns the selection).
 */
export function StudioGraph(props: {
  nodes: readonly DraftNode[];
  problems: ReadonlyMap<string, { severity: 'error' | 'warning'; count: number }>;
  selected: string | null;
  onSelect: (id: string) => void;
  selectedEdge: NeedsEdge | null;
  onSelectEdge: (edge: NeedsEdge | null) => void;
  onConnect: (from: string, to: string) => void;
  onDropKind: (type: string) => void;
  moved: Positions;
  onMove: (id: string, at: { x: number; y: number }) => void;
}) {
  const { nodes, problems, selected, onSelect, selectedEdge, onSelectEdge, onConnect, onDropKind, moved, onMove } = props;
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
  const chosen = selectedEdge ? needsEdgeId(selectedEdge) : null;
  const edges = useMemo<FlowEdge[]>(
    () =>
      nodes.flatMap((n) => [
        ...n.needs
          .filter((f) => f !== n.id)
          .map((from) => {
            const needs = { from, to: n.id };
            const id = needsEdgeId(needs);
            return { id, source: from, target: n.id, data: { needs }, selected: id === chosen, focusable: true, selectable: true, ariaLabel: `Edge ${from} → ${n.id}, ${n.id} needs ${from}` };
          }),
        ...n.reads.filter((f) => !n.needs.includes(f)).map((from) => ({ id: `${from}~>${n.id}`, source: from, target: n.id, className: 'reads', focusable: false, selectable: false, ariaLabel: `${n.id} reads ${from}` })),
      ]),
    [nodes, chosen],
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
  // React Flow selects an edge on a click or on Enter/Space while it has focus, and unselects it on Escape or a click elsewhere.
  const edgeChanged = (changes: EdgeChange<FlowEdge>[]) => {
    const picked = changes.find((c): c is EdgeSelectionChange => c.type === 'select' && c.selected);
    if (picked) return onSelectEdge(edges.find((e) => e.id === picked.id)?.data?.needs ?? null);
    if (changes.some((c) => c.type === 'select' && !c.selected && c.id === chosen)) onSelectEdge(null);
  };
  return (
    <Selection.Provider value={selection}>
      <GraphCanvas<FlowNode, FlowEdge>
        label="Graph of the draft"
        className="studio-graph"
        frame={{ tabIndex: -1, onDragOver: (e) => e.dataTransfer.types.includes(PALETTE_MIME) && e.preventDefault(), onDrop: drop }}
        nodes={flowNodes}
        edges={edges}
        nodeTypes={nodeTypes}
        nodesConnectable
        onConnect={(c: Connection) => c.source && c.target && onConnect(c.source, c.target)}
        onNodesChange={changed}
        onEdgesChange={edgeChanged}
        deleteKeyCode={null}
      />
    </Selection.Provider>
  );
}
